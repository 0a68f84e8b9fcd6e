import assert from "node:assert/strict";
import { percentile, spread } from "./percentiles.ts";
import { confirmations } from "./confirm.ts";
import { lagAfterLoad } from "./lag.ts";
import { cpuShares, statTicks } from "./cpu.ts";
import { countDeadlocks, DeadlockLog } from "./pglog.ts";

Deno.test("percentiles by nearest rank", () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(xs, 50), 50);
  assert.equal(percentile(xs, 99), 99);
  assert.equal(percentile(xs, 100), 100);
  assert.equal(percentile([7], 99), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.deepEqual(spread([3, 1, 2, 10]), { n: 4, p50: 2, p95: 10, p99: 10, max: 10 });
  const empty = spread([]);
  assert.equal(empty.n, 0);
  assert.ok(Number.isNaN(empty.p99) && Number.isNaN(empty.max));
});

Deno.test("confirmations count the never and the late as not confirmed within 5 s", () => {
  const c = confirmations([100, 200, null, 6000, 300]);
  assert.equal(c.bookings, 5);
  assert.equal(c.late, 2);
  assert.equal(c.latency.n, 4);
  assert.equal(c.latency.max, 6000);
});

Deno.test("lagAfterLoad: backlog at the end, peak and drain time", () => {
  const s = [
    { at: 1000, n: 5 },
    { at: 2000, n: 40 },
    { at: 3000, n: 12 },
    { at: 3500, n: 3 },
    { at: 4200, n: 0 },
    { at: 4500, n: 0 },
  ];
  assert.deepEqual(lagAfterLoad(s, 3000), { atLoadEnd: 12, peak: 40, drainMs: 1200 });
  assert.deepEqual(lagAfterLoad(s.slice(0, 4), 3000).drainMs, null);
  assert.deepEqual(lagAfterLoad([{ at: 1, n: 0 }], 5).drainMs, 0);
});

Deno.test("statTicks reads ppid and utime + stime past a command with spaces", () => {
  const stat = "4242 (deno (api) x) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9";
  assert.deepEqual(statTicks(stat), { ppid: 17, ticks: 300 });
});

Deno.test("cpuShares: percent of one core per name, new processes from 0, gone ones left out", () => {
  const watched = [
    { name: "api", pid: 1 },
    { name: "api", pid: 2 },
    { name: "postgres", pid: 3 },
    { name: "postgres", pid: 4 },
  ];
  const before = new Map([[1, 100], [2, 200], [3, 50]]);
  const after = new Map([[1, 110], [2, 210], [4, 5]]);
  const r = cpuShares(watched, before, after, 20, 100);
  assert.equal(r.percent.toFixed(2), "1.25");
  assert.deepEqual(r.byName.map((s) => [s.name, s.processes, s.percent.toFixed(2)]), [
    ["api", 2, "1.00"],
    ["postgres", 1, "0.25"],
  ]);
});

Deno.test("countDeadlocks counts the ERROR lines, not their details", () => {
  const log = `2026-01-01 10:00:00.000 UTC [77] ERROR:  deadlock detected
2026-01-01 10:00:00.000 UTC [77] DETAIL:  Process 77 waits for ShareLock on transaction 9; blocked by process 78.
2026-01-01 10:00:00.000 UTC [77] STATEMENT:  update inventory set held = held + 1
2026-01-01 10:00:01.000 UTC [80] LOG:  checkpoint starting: time
2026-01-01 10:00:02.000 UTC [81] ERROR:  deadlock detected`;
  assert.equal(countDeadlocks(log), 2);
  assert.equal(countDeadlocks(""), 0);
});

Deno.test("DeadlockLog counts only what the log gained since start", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/postgres.log`;
  try {
    await Deno.writeTextFile(path, "x ERROR:  deadlock detected\n");
    const log = await DeadlockLog.start(path);
    assert.equal(await log.count(), 0);
    await Deno.writeTextFile(path, "y LOG: fine\nz ERROR:  deadlock detected\n", { append: true });
    assert.equal(await log.count(), 1);
    // Rotated (shorter than the offset): read from its start.
    await Deno.writeTextFile(path, "");
    assert.equal(await log.count(), 0);
    assert.equal(await (await DeadlockLog.start(null)).count(), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
