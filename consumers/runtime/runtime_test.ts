import assert from "node:assert/strict";
import type { Sql } from "../../shared/db/db.ts";
import { eventually, integration } from "../../shared/testing/mod.ts";
import { createEffectsTable, publishBurst } from "./testdata/fixtures.ts";
import { platform } from "./testdata/setup.ts";

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

async function applied(sql: Sql, instance?: string): Promise<number> {
  const [r] = instance
    ? await sql<{ n: number }[]>`select count(*)::int as n from test_effects
        where instance = ${instance}`
    : await sql<{ n: number }[]>`select count(*)::int as n from test_effects`;
  return r.n;
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
      await new Promise((r) => setTimeout(r, 2500)); // time for a stray redelivery to act twice
      await assertExactlyOnceInOrder(p.sql, ids);
      await kill(workers[1], "SIGTERM");
    } finally {
      for (const w of workers) await kill(w, "SIGKILL").catch(() => {});
      await p.close();
    }
  },
);

integration("two instances: one property's events apply in order through failovers", async () => {
  const p = await platform();
  const workers = new Map<string, Deno.ChildProcess>();
  try {
    await createEffectsTable(p.sql);
    const props = ["p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"];
    const ids: string[] = [];
    workers.set("a", startWorker(p, "a"));
    ids.push(...await publishBurst(p.nc, props, 8, 1));
    await eventually(async () => (await applied(p.sql, "a")) > 0, 20_000, "a pinned");
    workers.set("b", startWorker(p, "b"));
    // A live flow of events while a is killed, then b is stopped gracefully with a back.
    let n = 9;
    let flowing = true;
    const publishing = (async () => {
      while (flowing && n < 5000) {
        ids.push(...await publishBurst(p.nc, props, 16, n));
        n += 16;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await eventually(async () => (await applied(p.sql, "a")) >= 200, 20_000, "a busy");
    await kill(workers.get("a")!, "SIGKILL");
    await eventually(async () => (await applied(p.sql, "b")) >= 200, 20_000, "b took over");
    workers.set("a2", startWorker(p, "a2"));
    await new Promise((r) => setTimeout(r, 1000)); // a2 connected as the standby
    await kill(workers.get("b")!, "SIGTERM");
    await eventually(async () => (await applied(p.sql, "a2")) >= 100, 20_000, "a2 took over");
    flowing = false;
    await publishing;
    await eventually(async () => (await applied(p.sql)) >= ids.length, 30_000, "all applied");
    await new Promise((r) => setTimeout(r, 2500));
    for (const name of ["a", "b", "a2"]) {
      assert.ok((await applied(p.sql, name)) > 0, `instance ${name} applied events`);
    }
    await assertExactlyOnceInOrder(p.sql, ids);
  } finally {
    for (const w of workers.values()) await kill(w, "SIGKILL").catch(() => {});
    await p.close();
  }
});
