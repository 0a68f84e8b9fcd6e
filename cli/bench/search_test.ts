import assert from "node:assert/strict";
import type { Probe, ProbeFigures } from "./search.ts";
import { judgeProbe, nextRate, SUSTAINED_LIMITS, sustainedRate } from "./search.ts";

const opts = { start: 1000, factor: 2, min: 50, max: 8000, probes: 8, resolution: 0.1 };

/** Runs the search against a system that holds every rate up to `capacity`. */
function search(capacity: number, o = opts): Probe[] {
  const probes: Probe[] = [];
  for (let r = nextRate(probes, o); r !== null; r = nextRate(probes, o)) {
    probes.push({ rate: r, ok: r <= capacity });
  }
  return probes;
}

Deno.test("the search doubles while probes hold, then bisects", () => {
  const probes = search(2600);
  assert.deepEqual(probes.slice(0, 3).map((p) => p.rate), [1000, 2000, 4000]);
  assert.deepEqual(probes[3], { rate: 3000, ok: false });
  const found = sustainedRate(probes);
  assert.ok(found <= 2600 && found >= 2600 * 0.9, `found ${found}`);
});

Deno.test("the search halves while probes miss", () => {
  const probes = search(300);
  assert.deepEqual(probes.slice(0, 3).map((p) => p.rate), [1000, 500, 250]);
  assert.ok(sustainedRate(probes) >= 250 && sustainedRate(probes) <= 300);
});

Deno.test("the search stops at its budget, at max and at min", () => {
  assert.equal(search(1e9, { ...opts, probes: 3 }).length, 3);
  const high = search(1e9);
  assert.deepEqual(high.map((p) => p.rate), [1000, 2000, 4000, 8000]);
  assert.equal(sustainedRate(high), 8000);
  const none = search(0);
  assert.deepEqual(none.map((p) => p.rate), [1000, 500, 250, 125, 63, 50]);
  assert.equal(sustainedRate(none), 0);
});

Deno.test("a pass above a failure (noise) does not count", () => {
  assert.equal(
    sustainedRate([{ rate: 1000, ok: true }, { rate: 2000, ok: false }, { rate: 3000, ok: true }]),
    1000,
  );
});

const good: ProbeFigures = {
  rate: 1000,
  seconds: 60,
  errors: 0,
  dropped: 0,
  bookings: 60_000,
  confirmP99: 120,
  late: 0,
  drainMs: 800,
};

Deno.test("judgeProbe holds a rate only when every condition holds", () => {
  assert.deepEqual(judgeProbe(good, SUSTAINED_LIMITS), { ok: true, why: [] });
  const bad = judgeProbe(
    { ...good, errors: 2, dropped: 400, confirmP99: 900, late: 3, drainMs: null },
    SUSTAINED_LIMITS,
  );
  assert.equal(bad.ok, false);
  assert.deepEqual(bad.why, [
    "2 failed requests",
    "400 arrivals dropped",
    "3 not confirmed within 5 s",
    "confirmation p99 900 ms",
    "backlog never back to 0",
  ]);
  assert.equal(judgeProbe({ ...good, dropped: 300 }, SUSTAINED_LIMITS).ok, true);
  assert.equal(judgeProbe({ ...good, drainMs: 5001 }, SUSTAINED_LIMITS).ok, false);
  assert.equal(judgeProbe({ ...good, bookings: 0, confirmP99: NaN }, SUSTAINED_LIMITS).ok, false);
});
