/**
 * /metrics of a platform as `./berth up` runs it (two api processes on one port, two workers
 * processes) over a throwaway database and nats-server: whichever api process answers, every
 * series docs/metrics.md lists is there from start-up, counters never go backwards (also when a
 * workers process is killed and started again), and the sums add up to what the clients saw.
 */
import assert from "node:assert/strict";
import { eventually, integration, testDatabase, testNats } from "../testing/mod.ts";
import { documentedMetrics, familyOf } from "../testing/prometheus.ts";
import type { Scrape } from "../shared/metrics/mod.ts";
import { nameOf, parseScrape, valuesOf } from "../shared/metrics/mod.ts";
import { freePort, ROOT } from "./infra/mod.ts";
import { processes, startLoad } from "./chaos/mod.ts";
import { seed } from "./chaos.ts";

const ADMIN_KEY = "berth-metrics-test-admin-key";

/** `./berth up` in a child process, with a data folder and ports of its own. */
async function startUp(databaseUrl: string, natsUrl: string) {
  const data = await Deno.makeTempDir({ prefix: "berth-metrics-test-" });
  const port = freePort();
  const up = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "cli/main.ts", "up"],
    cwd: ROOT,
    env: {
      DATABASE_URL: databaseUrl,
      NATS_URL: natsUrl,
      BERTH_DATA: data,
      BERTH_PORT: String(port),
      BERTH_MAIL_SINK_PORT: String(freePort()),
      BERTH_API_PROCESSES: "2",
      BERTH_WORKER_PROCESSES: "2",
      BERTH_ADMIN_KEY: ADMIN_KEY,
      LOG_LEVEL: "warn",
    },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let exited = false;
  up.status.then(() => exited = true);
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    async () => {
      if (exited) throw new Error(`up exited; see ${data}/logs`);
      const res = await fetch(`${url}/ready`);
      await res.body?.cancel();
      return res.ok;
    },
    120_000,
    "the platform ready",
  );
  return {
    url,
    pid: up.pid,
    async stop() {
      if (!exited) up.kill("SIGTERM");
      await up.status;
      await Deno.remove(data, { recursive: true }).catch(() => {});
    },
  };
}

/** Every counter and histogram series of `before` is in `after`, and not lower. */
function assertNotBackwards(before: Scrape, after: Scrape, documented: Map<string, string>) {
  for (const [series, value] of before.samples) {
    if (documented.get(familyOf(nameOf(series), documented)!) === "gauge") continue;
    const later = after.samples.get(series);
    assert.ok(later !== undefined && later >= value, `${series}: ${value}, then ${later}`);
  }
}

integration(
  "metrics: /metrics sums every process; each documented series from start-up; never backwards",
  async () => {
    const documented = await documentedMetrics();
    const db = await testDatabase();
    const nats = await testNats();
    const up = await startUp(db.url, nats.url);
    try {
      const scrape = async () => {
        const res = await fetch(`${up.url}/metrics`);
        const text = await res.text();
        assert.equal(res.status, 200, text);
        const s = parseScrape(text);
        for (const series of s.samples.keys()) {
          assert.ok(familyOf(nameOf(series), documented), `${series} is in docs/metrics.md`);
        }
        return s;
      };
      const one = (s: Scrape, series: string) => s.samples.get(series);

      // Start-up: every process in the sums and every service's consumers provisioned.
      const first = await eventually(
        async () => {
          const s = await scrape();
          // Every service the workers run has its dead letters at 0 (its consumers exist).
          const services = [...s.samples.keys()]
            .map((k) => /^berth_consumer_retries_total\{service="([^"]+)"\}$/.exec(k)?.[1])
            .filter((service) => service !== undefined);
          const dlq = services.map((service) => one(s, `berth_dlq_messages{service="${service}"}`));
          return one(s, 'berth_processes{kind="api"}') === 2 &&
            one(s, 'berth_processes{kind="workers"}') === 2 &&
            services.length > 0 && dlq.every((n) => n === 0) && s;
        },
        60_000,
        "every process and consumer in the metrics",
      );
      for (const [name, type] of documented) {
        const series = type === "histogram" ? `${name}_count` : name;
        assert.ok(valuesOf(first, series).length, `${series} at start-up`);
      }
      for (const name of ["berth_consumer_events_total", "berth_relay_published_total"]) {
        assert.ok(valuesOf(first, name).every((n) => n === 0), `${name} at 0`);
      }
      assert.equal(one(first, "berth_reservation_confirm_seconds_count"), 0);

      // Under bookings, ten scrapes; a workers process is killed after the fifth.
      const target = { url: up.url, ...await seed(up.url, ADMIN_KEY) };
      const load = startLoad(target, 20);
      const scrapes = [first];
      for (let i = 1; i <= 10; i++) {
        await new Promise((r) => setTimeout(r, 300));
        scrapes.push(await scrape());
        if (i === 5) {
          const children = (await processes()).filter((p) => p.ppid === up.pid);
          const workers = children.filter((p) =>
            Deno.readTextFileSync(`/proc/${p.pid}/cmdline`).includes("consumers/main.ts")
          );
          assert.equal(workers.length, 2);
          Deno.kill(workers[0].pid, "SIGKILL");
        }
      }
      await load.stop();
      // `up` starts it again; its counts add to what the killed one had.
      scrapes.push(
        await eventually(
          async () => {
            const s = await scrape();
            return one(s, 'berth_processes{kind="workers"}') === 2 &&
              one(s, 'berth_process_exits_total{kind="workers"}') === 1 && s;
          },
          60_000,
          "the workers process back",
        ),
      );
      for (let i = 1; i < scrapes.length; i++) {
        assertNotBackwards(scrapes[i - 1], scrapes[i], documented);
      }

      // The sums add up: every booking a client got a 201 for, counted once whichever api
      // process answered it.
      const booked = load.attempts.filter((a) => a.status === 201).length;
      assert.ok(booked > 0);
      const last = await scrape();
      const counted =
        'berth_http_requests_total{method="POST",route="/v1/reservations",status="201"}';
      assert.equal(one(last, counted), booked);
      const applied = valuesOf(last, "berth_consumer_events_total", { outcome: "applied" });
      assert.ok(applied.reduce((a, b) => a + b, 0) > 0, "events applied");
      assert.ok(one(last, "berth_relay_published_total")! > 0, "events published");
      assert.ok(one(last, "berth_reservation_confirm_seconds_count")! > 0, "bookings confirmed");
    } finally {
      await up.stop();
      await nats.stop();
      await db.drop();
    }
  },
);
