import assert from "node:assert/strict";
import { countAbortListeners } from "../../testing/listeners.ts";
import { every, sleep } from "./mod.ts";

Deno.test("sleep: a sleep that ran out leaves no listener on the signal", async () => {
  const c = new AbortController();
  const { live } = countAbortListeners(c.signal);
  for (let i = 0; i < 100; i++) await sleep(0, c.signal);
  assert.equal(live(), 0);
});

Deno.test("sleep: an abort ends it at once", async () => {
  const c = new AbortController();
  const started = performance.now();
  const slept = sleep(60_000, c.signal);
  c.abort();
  await slept;
  assert.ok(performance.now() - started < 1000);
  await sleep(60_000, c.signal); // already aborted: no wait at all
});

Deno.test("every: runs until aborted, never twice at once, and leaves no listener", async () => {
  const c = new AbortController();
  const { live } = countAbortListeners(c.signal);
  let runs = 0;
  let running = false;
  await every(0, c.signal, async () => {
    assert.equal(running, false);
    running = true;
    await sleep(1);
    running = false;
    if (++runs === 50) c.abort();
  });
  assert.equal(runs, 50);
  assert.equal(live(), 0);
});
