import assert from "node:assert/strict";
import { knobsSet, plan, readKnobs } from "./knobs.ts";

Deno.test("plan: a full run takes every step; one name its step and the ceiling it needs", () => {
  const full = plan([]);
  assert.equal(full.full, true);
  assert.equal(full.steps[0], "idle");
  assert.equal(full.steps.at(-1), "booking-steady");
  assert.equal(full.batchCeiling, true);
  assert.deepEqual(plan(["pause"]), {
    steps: ["pause"],
    full: false,
    ceiling: true,
    batchCeiling: false,
  });
  assert.equal(plan(["flash-sale"]).ceiling, false);
  assert.deepEqual(plan(["sustained", "idle"]).steps, ["idle", "sustained"]);
  assert.throws(() => plan(["nope"]), /unknown scenario nope/);
});

Deno.test("readKnobs: defaults, overrides, and a bad value named", () => {
  const d = readKnobs({});
  assert.equal(d.ceiling, null);
  assert.equal(d.probes, 8);
  assert.equal(d.properties, 1000);
  assert.equal(d.pauseSeconds, 60);
  const k = readKnobs({ BENCH_CEILING: "4000", SUSTAINED_PROBE_SECONDS: "10", IDLE_SECONDS: "" });
  assert.equal(k.ceiling, 4000);
  assert.equal(k.probeSeconds, 10);
  assert.equal(k.idleSeconds, 20);
  assert.throws(() => readKnobs({ SUSTAINED_PROBES: "many" }), /SUSTAINED_PROBES/);
  assert.throws(() => readKnobs({ PAUSE_SECONDS: "30" }), /PAUSE_AT \+ PAUSE_FOR/);
  assert.deepEqual(knobsSet({ SUSTAINED_PROBES: "2", HOME: "/root" }), ["SUSTAINED_PROBES=2"]);
});
