import assert from "node:assert/strict";
import { Lanes } from "./lanes.ts";

const tick = (ms = 1) => new Promise((r) => setTimeout(r, ms));

Deno.test("lanes: one property at a time in sequence order, properties in parallel", async () => {
  const log: string[] = [];
  let running = 0;
  let peak = 0;
  let open = false;
  const lanes = new Lanes<string>({
    concurrency: 3,
    mayStart: () => open,
    run: async (item) => {
      running++;
      peak = Math.max(peak, running);
      await tick(Math.random() * 5);
      log.push(item);
      running--;
    },
  });
  // Sequences arrive out of order within a property (a redelivery): the lane sorts them.
  for (const [k, s] of [["a", 2], ["b", 1], ["a", 1], ["c", 1], ["b", 2], ["a", 3]] as const) {
    lanes.push(k, s, `${k}${s}`);
  }
  open = true;
  lanes.pump();
  while (lanes.size) await tick(2);
  assert.deepEqual(log.filter((x) => x[0] === "a"), ["a1", "a2", "a3"]);
  assert.deepEqual(log.filter((x) => x[0] === "b"), ["b1", "b2"]);
  assert.equal(log.length, 6);
  assert.equal(peak, 3);
});

Deno.test("lanes: a held-back head waits; pump releases it; drain returns what waits", async () => {
  const done: string[] = [];
  let open = false;
  const lanes = new Lanes<string>({
    concurrency: 2,
    mayStart: (key) => key !== "x" || open,
    run: (item) => {
      done.push(item);
      return Promise.resolve();
    },
  });
  lanes.push("x", 5, "x5");
  lanes.push("y", 1, "y1");
  await tick();
  assert.deepEqual(done, ["y1"]);
  open = true;
  lanes.pump();
  await tick();
  assert.deepEqual(done, ["y1", "x5"]);
  open = false;
  lanes.push("x", 6, "x6");
  lanes.push("x", 7, "x7");
  assert.deepEqual(lanes.drain(), ["x6", "x7"]);
  assert.equal(lanes.size, 0);
  await lanes.idle();
});

Deno.test("lanes: queued followers of a lane go together, in order, up to the batch size", async () => {
  const calls: string[][] = [];
  let open = false;
  const lanes = new Lanes<string>({
    concurrency: 4,
    mayStart: (_key, seq) => open && seq !== 9,
    batch: 3,
    run: (item) => {
      calls.push([item]);
      return Promise.resolve();
    },
    runBatch: (items) => {
      calls.push(items);
      return Promise.resolve();
    },
  });
  for (const s of [1, 2, 3, 4, 5, 9]) lanes.push("a", s, `a${s}`);
  lanes.push("b", 1, "b1");
  open = true;
  lanes.pump();
  while (lanes.size > 1) await tick(2);
  // a9 is held back: a batch stops before an item that may not start.
  assert.deepEqual(calls, [["a1", "a2", "a3"], ["b1"], ["a4", "a5"]]);
  assert.deepEqual(lanes.drain(), ["a9"]);
});
