import assert from "node:assert/strict";
import { Breakers, CircuitBreaker } from "./breaker.ts";

function breaker() {
  let t = 0;
  const b = new CircuitBreaker({ failureThreshold: 3, openMs: 1000, now: () => t });
  return { b, advance: (ms: number) => (t += ms) };
}

Deno.test("breaker: opens after the threshold of failures in a row", () => {
  const { b } = breaker();
  b.failure();
  b.failure();
  b.success();
  b.failure();
  b.failure();
  assert.equal(b.state, "closed");
  assert.equal(b.tryPass(), true);
  b.failure();
  assert.equal(b.state, "open");
  assert.equal(b.tryPass(), false);
  assert.equal(b.retryAt, 1000);
});

Deno.test("breaker: after openMs one trial passes; success closes, failure reopens", () => {
  const { b, advance } = breaker();
  for (let i = 0; i < 3; i++) b.failure();
  advance(1000);
  assert.equal(b.state, "half_open");
  assert.equal(b.tryPass(), true);
  assert.equal(b.tryPass(), false, "only one trial at a time");
  b.failure();
  assert.equal(b.state, "open");
  assert.equal(b.retryAt, 2000);
  advance(1000);
  assert.equal(b.tryPass(), true);
  b.success();
  assert.equal(b.state, "closed");
  assert.equal(b.tryPass(), true);
});

Deno.test("breakers: one per key", () => {
  const bs = new Breakers({ failureThreshold: 1, openMs: 1000, now: () => 0 });
  bs.for("webhook:a").failure();
  assert.equal(bs.for("webhook:a").state, "open");
  assert.equal(bs.for("webhook:b").state, "closed");
  assert.equal(bs.for("webhook:a"), bs.for("webhook:a"));
});
