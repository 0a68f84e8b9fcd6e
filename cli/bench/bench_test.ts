import assert from "node:assert/strict";
import { parsePgbench, sameServer } from "./pgbench.ts";
import { parseNatsBench } from "./relay.ts";
import { parseLag } from "./lag.ts";
import { readSummary, SCENARIOS } from "./scenarios.ts";
import type { BenchReport } from "./report.ts";
import { renderReport } from "./report.ts";
import type { ScenarioRun } from "./measure.ts";
import { evaluateTargets } from "./targets.ts";
import { spread } from "./percentiles.ts";

Deno.test("parsePgbench reads tps, latency and failures", () => {
  const out = `number of failed transactions: 0 (0.000%)
latency average = 1.745 ms
initial connection time = 4.2 ms
tps = 4584.219059 (without initial connection time)`;
  assert.deepEqual(parsePgbench(out), { tps: 4584.219059, latencyMs: 1.745, failed: 0 });
});

Deno.test("sameServer swaps the database", () => {
  assert.equal(
    sameServer("postgres://berth@127.0.0.1:25432/berth", "berth_bench"),
    "postgres://berth@127.0.0.1:25432/berth_bench",
  );
});

Deno.test("parseLag sums consumer pending and ack pending", () => {
  const text = `# TYPE berth_consumer_pending gauge
berth_consumer_pending{consumer="payments",stream="RESERVATIONS"} 3
berth_consumer_ack_pending{consumer="payments",stream="RESERVATIONS"} 2
berth_consumer_redelivered{consumer="payments",stream="RESERVATIONS"} 9
berth_http_requests_total 100`;
  assert.deepEqual(parseLag(text), { lag: 5, found: true });
  assert.deepEqual(parseLag("berth_build_info 1"), { lag: 0, found: false });
});

const flashSummary = {
  state: { testRunDurationMs: 12_000 },
  metrics: {
    attempts: { type: "counter", values: { count: 20_000 } },
    scenario_seconds: { type: "gauge", values: { value: 10 } },
    load_ended_at: { type: "gauge", values: { value: 1_700_000_000_000 } },
    sold_out_ms: {
      type: "trend",
      values: { med: 2, "p(95)": 5, "p(99)": 9, count: 19_000 },
      thresholds: { "p(99)<=20": { ok: true } },
    },
    "http_req_failed{scenario:sale}": { type: "rate", values: { passes: 0, fails: 20_000 } },
    "seat_holders{seat:A1}": {
      type: "counter",
      values: {},
      thresholds: { "count<=1": { ok: true } },
    },
    "seat_holders{seat:A2}": {
      type: "counter",
      values: {},
      thresholds: { "count<=1": { ok: false } },
    },
  },
};

Deno.test("readSummary folds per-seat thresholds and reads when the load ended", () => {
  const spec = SCENARIOS.find((s) => s.name === "flash-sale")!;
  const r = readSummary(spec, flashSummary, 99, "flash-sale-2");
  assert.equal(r.name, "flash-sale-2");
  assert.equal(r.throughput, 2000);
  assert.equal(r.loadEndedAt, 1_700_000_000_000);
  assert.equal(r.thresholds.length, 2);
  assert.equal(r.thresholds[1].ok, false);
});

/** A measured run with the given headline p99 and throughput. */
function run(name: string, o: Partial<ScenarioRun> & { p99?: number } = {}): ScenarioRun {
  const p99 = o.p99 ?? 10;
  return {
    name,
    exitCode: 0,
    loadEndedAt: 0,
    seconds: 60,
    count: 60_000,
    throughput: 1000,
    unit: "bookings/s",
    latencies: [{ label: "POST /v1/reservations", p50: 2, p95: 5, p99, n: 60_000 }],
    requests: 60_000,
    errors: 0,
    figures: [],
    thresholds: [{ metric: "checks", expr: "rate==1", ok: true }],
    rate: 1000,
    rss: [
      { name: "api", processes: 2, maxProcessBytes: 150 * 2 ** 20, maxTreeBytes: 300 * 2 ** 20 },
      { name: "workers", processes: 2, maxProcessBytes: 320 * 2 ** 20, maxTreeBytes: 0 },
    ],
    confirm: { bookings: 60_000, latency: spread([40, 80, 120]), late: 0 },
    lag: { atLoadEnd: 30, peak: 90, drainMs: 400 },
    perBooking: { bookings: 60_000, events: 300_000, commits: 90_000 },
    deadLettered: 0,
    startedAt: 0,
    endedAt: 70_000,
    ...o,
  };
}

function report(): BenchReport {
  const ceiling = {
    script: "loadtests/pgbench/booking.sql",
    perTransaction: 1,
    rate: 4000,
    best: { clients: 16, tps: 4000, latencyMs: 3, failed: 0 },
    runs: [{ clients: 16, tps: 4000, latencyMs: 3, failed: 0 }],
    command: "pgbench -c 16",
    version: "pgbench 15",
  };
  return {
    date: "2026-01-01T00:00:00Z",
    command: "./berth bench",
    machine: {
      cpus: 2,
      cpuModel: "x",
      memoryBytes: 2 ** 30,
      kernel: "6",
      deno: "2",
      k6: "k6",
      postgres: "15",
    },
    ceilings: [ceiling, {
      ...ceiling,
      script: "loadtests/pgbench/booking50.sql",
      perTransaction: 50,
      rate: 50_000,
      runs: [{ clients: 4, tps: 1000, latencyMs: 4, failed: 0 }],
    }],
    ceilingGiven: null,
    idle: {
      seconds: 20,
      percent: 2.5,
      commitsPerSecond: 3,
      byName: [{ name: "workers", processes: 2, percent: 2 }, {
        name: "api",
        processes: 2,
        percent: 0.5,
      }],
    },
    relay: {
      events: 20_000,
      payloadBytes: 1024,
      relayRate: 6000,
      natsRate: 7500,
      natsCommand: "nats bench js pub async bench.relay",
    },
    deadlocks: { log: 0, logPath: "/x/postgres.log", database: 0 },
    scenarios: [
      run("pipeline", { confirm: { bookings: 1000, latency: spread([100, 700]), late: 1 } }),
      run("flash-sale", { p99: 9, unit: "attempts/s" }),
      run("pause", { p99: 150, errors: 2 }),
      run("booking-steady", { throughput: 3000, p99: 80 }),
      run("booking-steady-80", { rate: 2400, p99: 30 }),
    ],
    pause: {
      pid: 7,
      workers: 2,
      stoppedAt: 10_000,
      continuedAt: 40_000,
      clearedMs: 2500,
      neverConfirmed: 0,
    },
    sustained: [{
      mode: "one hot property",
      properties: 1,
      rate: 1500,
      probes: [{
        rate: 1000,
        seconds: 60,
        errors: 0,
        dropped: 0,
        bookings: 60_000,
        confirmP99: 100,
        late: 0,
        drainMs: 300,
        ok: true,
        why: [],
        backlogAtStart: 0,
      }],
    }, { mode: "1,000 properties", properties: 1000, rate: 2500, probes: [] }],
    knobs: ["SUSTAINED_PROBES=2"],
    notes: [],
  };
}

Deno.test("evaluateTargets judges each target against the run's own ceiling", () => {
  const t = Object.fromEntries(evaluateTargets(report()).map((x) => [x.what, x]));
  const ok = (prefix: string) => Object.values(t).find((x) => x.what.startsWith(prefix))!.ok;
  assert.equal(ok("booking-steady: bookings/s"), false); // 3,000 of 4,000
  assert.equal(t["booking-steady: bookings/s"].measured, "3,000/s = 0.75 x ceiling");
  assert.equal(ok("booking-steady at 0.8"), true);
  assert.equal(ok("flash-sale"), true);
  assert.equal(ok("pipeline: pending -> confirmed p99"), false); // 700 ms
  assert.equal(ok("pipeline: bookings not confirmed"), false);
  assert.equal(ok("sustained rate, one hot property"), false); // 1,500 < 2,000
  assert.equal(ok("sustained rate, 1,000 properties"), true);
  assert.equal(ok("pause: booking p99"), false);
  assert.equal(ok("pause: errors"), false);
  assert.equal(ok("pause: bookings placed before SIGCONT"), true);
  assert.equal(ok("deadlocks"), true);
  assert.equal(ok("idle"), false);
  assert.equal(ok("api RSS"), true);
  assert.equal(ok("workers RSS"), false);
});

Deno.test("evaluateTargets: an unreadable log is unknown, not met", () => {
  const r = { ...report(), deadlocks: { log: null, logPath: null, database: 0 } };
  const d = evaluateTargets(r).find((t) => t.what.startsWith("deadlocks"))!;
  assert.deepEqual([d.measured, d.ok], ["unknown", null]);
});

Deno.test("renderReport shows targets, ceilings, relay, searches, pause, idle and the command", () => {
  const md = renderReport(report());
  for (
    const want of [
      "| booking-steady: bookings/s | 3,000/s = 0.75 x ceiling | >= 1.0 x ceiling (4,000/s) | **missed** |",
      "| booking50.sql | 4 | 1,000 | 50,000 | 4.0 ms | 0 |",
      "- 50 per transaction: **50,000 bookings/s**",
      "### one hot property: 1,500 bookings/s (0.38 x the ceiling)",
      "| 1,000/s | 60,000 | 100 ms | 0 | 0 | 0 | 300 ms | 0 | yes |",
      "the last confirmed 2.5 s after SIGCONT.",
      "| workers | 2 | 2.00 |",
      "| relay / nats bench | 0.80 x |",
      "| pipeline | 1,000 | 100 ms | 700 ms | 700 ms | 700 ms | 1 | 5.00 | 1.50 | 30 | 400 ms |",
      "SUSTAINED_PROBES=2 ./berth bench",
      "- messages dead-lettered during the run: 0",
    ]
  ) {
    assert.ok(md.includes(want), `missing ${want}\n${md}`);
  }
});

Deno.test("a search where no rate held reports the lowest rate tried, not 0", () => {
  const r = report();
  const probe = { ...r.sustained[0].probes[0], ok: false, why: ["confirmation p99 619 ms"] };
  r.sustained[1] = {
    ...r.sustained[1],
    rate: 0,
    probes: [{ ...probe, rate: 56 }, { ...probe, rate: 45 }],
  };
  const t = evaluateTargets(r).find((x) => x.what === "sustained rate, 1,000 properties")!;
  assert.deepEqual([t.measured, t.ok], ["below 45/s", false]);
  assert.ok(
    renderReport(r).includes(
      "### 1,000 properties: below 45 bookings/s: none of the rates tried held",
    ),
  );
});

Deno.test("parseNatsBench reads the rate of nats bench's summary", () => {
  const out =
    "\nNATS JetStream asynchronous publisher stats: 5,861 msgs/sec ~ 5.7 MiB/sec ~ 170.60us\n";
  assert.equal(parseNatsBench(out), 5861);
  assert.throws(() => parseNatsBench("no summary"), /printed no rate/);
});
