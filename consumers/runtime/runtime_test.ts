import assert from "node:assert/strict";
import type { Sql } from "../../shared/db/mod.ts";
import { eventually, integration } from "../../testing/mod.ts";
import { countingService, createEffectsTable, publishBurst } from "./testdata/fixtures.ts";
import { platform } from "../../testing/platform.ts";
import { runService } from "./runner.ts";
import { MEMBERS_SUBJECT } from "./members.ts";
import { withTimeout } from "../../shared/time/mod.ts";

const workerPath = new URL("./testdata/worker.ts", import.meta.url).pathname;

type Platform = Awaited<ReturnType<typeof platform>>;

/** Starts the counting service as instance `name` in its own process. */
function startWorker(p: Platform, name: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", workerPath],
    env: {
      DATABASE_URL: p.db.url,
      NATS_URL: p.server.url,
      INSTANCE: name,
      LOG_LEVEL: Deno.env.get("LOG_LEVEL") ?? "silent",
    },
    stdin: "null",
    stdout: "null",
  }).spawn();
}

/**
 * Resolves at instance `name`'s second announcement to the counting service's group: every
 * process has had a heartbeat since the first (they beat every second), so all count it in.
 */
async function joined(p: Platform, name: string): Promise<void> {
  const sub = p.nc.subscribe(`${MEMBERS_SUBJECT}.counter`);
  let heard = 0;
  for await (const m of sub) {
    if (m.string() === name && ++heard === 2) break;
  }
  sub.unsubscribe();
}

async function applied(sql: Sql, instance?: string): Promise<number> {
  const [r] = instance
    ? await sql<{ n: number }[]>`select count(*)::int as n from test_effects
        where instance = ${instance}`
    : await sql<{ n: number }[]>`select count(*)::int as n from test_effects`;
  return r.n;
}

/** The properties of which `instance` applied events numbered above `after`. */
async function propertiesApplied(sql: Sql, instance: string, after = 0): Promise<Set<string>> {
  const rows = await sql<{ property_id: string }[]>`
    select distinct property_id from test_effects where instance = ${instance} and n > ${after}`;
  return new Set(rows.map((r) => r.property_id));
}

/**
 * True when every consumer of the stream has delivered all it holds and has every delivery
 * acknowledged: no redelivery can come any more, so what is applied now is final.
 */
async function acknowledged(p: Platform): Promise<boolean> {
  const consumers = await p.jsm.consumers.list("RESERVATIONS").next();
  return consumers.length > 0 &&
    consumers.every((c) => c.num_pending === 0 && c.num_ack_pending === 0);
}

/** Every event applied exactly once, its emitted event in the outbox once, and per-property order. */
async function assertExactlyOnceInOrder(sql: Sql, ids: string[]): Promise<void> {
  const rows = await sql<{ event_id: string; property_id: string; n: number }[]>`
    select event_id, property_id, n from test_effects order by id`;
  assert.equal(rows.length, ids.length, "one application per event");
  assert.deepEqual(new Set(rows.map((r) => r.event_id)), new Set(ids));
  const [outbox] = await sql<{ rows: number; events: number }[]>`
    select count(*)::int as rows, count(distinct payload::jsonb->>'causationId')::int as events
    from outbox where type = 'notification.sent'`;
  assert.deepEqual(outbox, { rows: ids.length, events: ids.length }, "one emitted event each");
  const last = new Map<string, number>();
  for (const r of rows) {
    assert.ok(
      r.n > (last.get(r.property_id) ?? 0),
      `${r.property_id}: ${r.n} applied out of order`,
    );
    last.set(r.property_id, r.n);
  }
}

/**
 * A live flow of numbered events over 16 properties (32 every `pauseMs`, up to `max`) until
 * `finish()`, which stops it, waits until every event is applied and acknowledged, and checks
 * exactly once and in order. `last()` is the number of the latest event published.
 */
function liveFlow(p: Platform, max: number, pauseMs = 20) {
  const props = Array.from({ length: 16 }, (_, i) => `p${i + 1}`);
  const ids: string[] = [];
  let n = 1;
  let flowing = true;
  const publishing = (async () => {
    while (flowing && n < max) {
      ids.push(...await publishBurst(p.nc, props, 32, n));
      n += 32;
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  })();
  return {
    async finish() {
      flowing = false;
      await publishing;
      await eventually(async () => (await applied(p.sql)) >= ids.length, 30_000, "all applied");
      await eventually(() => acknowledged(p), 20_000, "every delivery acknowledged");
      await assertExactlyOnceInOrder(p.sql, ids);
    },
    last: () => n - 1,
  };
}

async function kill(w: Deno.ChildProcess, signal: Deno.Signal): Promise<Deno.CommandStatus> {
  w.kill(signal);
  return await w.status;
}

integration(
  "kill -9 in the middle of a burst: after a restart every effect is applied once",
  async () => {
    const p = await platform();
    const workers: Deno.ChildProcess[] = [];
    try {
      await createEffectsTable(p.sql);
      const ids = await publishBurst(p.nc, ["p1", "p2", "p3", "p4", "p5", "p6"], 600);
      workers.push(startWorker(p, "a"));
      await eventually(async () => (await applied(p.sql)) >= 100, 20_000, "first applications");
      const status = await kill(workers[0], "SIGKILL");
      assert.equal(status.signal, "SIGKILL");
      const before = await applied(p.sql);
      assert.ok(before < ids.length, `killed mid-burst (${before} applied)`);
      workers.push(startWorker(p, "a"));
      await eventually(async () => (await applied(p.sql)) >= ids.length, 30_000, "all applied");
      await eventually(() => acknowledged(p), 20_000, "every delivery acknowledged");
      await assertExactlyOnceInOrder(p.sql, ids);
      await kill(workers[1], "SIGTERM");
    } finally {
      for (const w of workers) await kill(w, "SIGKILL").catch(() => {});
      await p.close();
    }
  },
);

integration(
  "processes share the partitions; kill -9, a new one and a shutdown move them; order holds",
  async () => {
    const p = await platform();
    const workers = new Map<string, Deno.ChildProcess>();
    try {
      await createEffectsTable(p.sql);
      for (const name of ["a", "b", "c"]) workers.set(name, startWorker(p, name));
      // A live flow of events while one is killed, d joins and another is stopped gracefully.
      const flow = liveFlow(p, 8000);
      // Four partitions over three processes named a, b, c (their member ids): a owns two of
      // them, b and c one each (members.ts, rendezvous hashing).
      const busy = async () => {
        const counts = await Promise.all(["a", "b", "c"].map((x) => applied(p.sql, x)));
        return counts.filter((n) => n > 0).length >= 2 && counts;
      };
      const counts = await eventually(busy, 20_000, "the partitions shared");
      const busiest = ["a", "b", "c"][counts.indexOf(Math.max(...counts))];
      await kill(workers.get(busiest)!, "SIGKILL");
      const afterKill = await applied(p.sql);
      await eventually(
        async () => (await applied(p.sql)) >= afterKill + 500,
        20_000,
        `the others took ${busiest}'s partitions`,
      );
      const joining = joined(p, "d");
      workers.set("d", startWorker(p, "d"));
      await withTimeout(joining, 20_000, "d's announcements"); // d joined and took its share
      const next = ["a", "b", "c"].find((x) => x !== busiest)!;
      await kill(workers.get(next)!, "SIGTERM");
      const afterStop = await applied(p.sql);
      await eventually(
        async () => (await applied(p.sql)) >= afterStop + 500,
        20_000,
        `the others took ${next}'s partitions`,
      );
      await flow.finish();
    } finally {
      for (const w of workers.values()) await kill(w, "SIGKILL").catch(() => {});
      await p.close();
    }
  },
);

integration(
  "a process stopped longer than the others wait loses its partitions and gets them back",
  async () => {
    const p = await platform();
    const workers = new Map<string, Deno.ChildProcess>();
    try {
      await createEffectsTable(p.sql);
      for (const name of ["a", "b"]) workers.set(name, startWorker(p, name));
      // Slower than the others: it lasts until finish() (the cap only bounds a run gone wrong),
      // and one process alone keeps up with it while the other is stopped.
      const flow = liveFlow(p, 40_000, 100);
      await eventually(async () => (await applied(p.sql, "a")) > 0, 20_000, "a busy");
      // Stopped until b applies what a received: longer than the others wait (3 s) and than
      // a's messages' ack wait (2 s).
      workers.get("a")!.kill("SIGSTOP");
      const stoppedAt = flow.last();
      const ofA = await propertiesApplied(p.sql, "a");
      await eventually(
        async () => {
          const byB = await propertiesApplied(p.sql, "b", stoppedAt);
          return [...ofA].every((x) => byB.has(x));
        },
        20_000,
        "b took a's partitions",
      );
      workers.get("a")!.kill("SIGCONT");
      const back = flow.last();
      await eventually(
        async () => (await propertiesApplied(p.sql, "a", back)).size > 0,
        20_000,
        "a got partitions back and applies new events",
      );
      await flow.finish();
    } finally {
      for (const w of workers.values()) await kill(w, "SIGKILL").catch(() => {});
      await p.close();
    }
  },
);

integration("a service started while NATS is away waits for it instead of failing", async () => {
  const p = await platform();
  const stop = new AbortController();
  let failed: unknown = null;
  try {
    await createEffectsTable(p.sql);
    await p.server.stop();
    const running = runService({
      sql: p.sql,
      nc: p.nc,
      service: countingService("a", 0),
      signal: stop.signal,
    }).catch((err) => failed = err ?? "failed");
    // Away for longer than a JetStream request waits for its answer (5 s).
    await new Promise((r) => setTimeout(r, 6000));
    await p.server.start();
    const ids = await eventually(() => publishBurst(p.nc, ["p1", "p2"], 20), 20_000, "published");
    await eventually(async () => failed || (await applied(p.sql)) === ids.length, 30_000);
    assert.equal(failed, null);
    stop.abort();
    await running;
  } finally {
    stop.abort();
    await p.close();
  }
});

integration(
  "a handler's events carry the runtime's clock: its time, and ids drawn at it",
  async () => {
    const p = await platform();
    const stop = new AbortController();
    const T = "2031-02-03T04:05:06.007Z";
    try {
      await createEffectsTable(p.sql);
      const running = runService({
        sql: p.sql,
        nc: p.nc,
        service: countingService("a", 0),
        signal: stop.signal,
        now: () => new Date(T),
      });
      const ids = await publishBurst(p.nc, ["p1", "p2"], 4);
      await eventually(async () => (await applied(p.sql)) === ids.length, 20_000, "all applied");
      const emitted = await p.sql<{ id: string; payload: string }[]>`
      select id::text, payload from outbox where type = 'notification.sent'`;
      assert.equal(emitted.length, ids.length);
      const msHex = Date.parse(T).toString(16).padStart(12, "0");
      for (const e of emitted) {
        assert.equal(JSON.parse(e.payload).occurredAt, T);
        assert.equal(e.id.replace("-", "").slice(0, 12), msHex, "a UUIDv7 of the clock's time");
      }
      stop.abort();
      await running;
    } finally {
      stop.abort();
      await p.close();
    }
  },
);
