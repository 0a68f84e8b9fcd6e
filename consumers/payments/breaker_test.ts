import assert from "node:assert/strict";
import { CircuitBreaker, CircuitOpenError, ProviderTimeoutError } from "./breaker.ts";

const ok = () => Promise.resolve("ok");
const boom = () => Promise.reject(new Error("boom"));

function breaker(extra: Partial<ConstructorParameters<typeof CircuitBreaker>[0]> = {}) {
  const clock = { t: 0 };
  const states: string[] = [];
  const b = new CircuitBreaker({
    failureThreshold: 3,
    openMs: 1000,
    timeoutMs: 50,
    now: () => clock.t,
    onStateChange: (s) => states.push(s),
    ...extra,
  });
  return { b, clock, states };
}

Deno.test("breaker: opens after the threshold of failures in a row, then fails fast", async () => {
  const { b, states } = breaker();
  await assert.rejects(b.call(boom), /boom/);
  await b.call(ok); // a success resets the count
  for (let i = 0; i < 3; i++) await assert.rejects(b.call(boom), /boom/);
  assert.equal(b.state, "open");
  let called = false;
  await assert.rejects(
    b.call(() => {
      called = true;
      return ok();
    }),
    CircuitOpenError,
  );
  assert.equal(called, false);
  assert.deepEqual(states, ["open"]);
});

Deno.test("breaker: half-open after the pause lets one trial through; success closes", async () => {
  const { b, clock, states } = breaker();
  for (let i = 0; i < 3; i++) await assert.rejects(b.call(boom));
  clock.t = 999;
  assert.equal(b.state, "open");
  clock.t = 1000;
  assert.equal(b.state, "half_open");
  let release!: () => void;
  const trial = b.call(() => new Promise<string>((r) => (release = () => r("ok"))));
  await assert.rejects(b.call(ok), CircuitOpenError); // only one trial at a time
  release();
  assert.equal(await trial, "ok");
  assert.equal(b.state, "closed");
  assert.deepEqual(states, ["open", "half_open", "closed"]);
});

Deno.test("breaker: a failed trial opens it again for another pause", async () => {
  const { b, clock } = breaker();
  for (let i = 0; i < 3; i++) await assert.rejects(b.call(boom));
  clock.t = 1500;
  await assert.rejects(b.call(boom), /boom/);
  assert.equal(b.state, "open");
  clock.t = 2400;
  assert.equal(b.state, "open");
  clock.t = 2500;
  assert.equal(b.state, "half_open");
});

Deno.test("breaker: a call past the timeout fails, is aborted and counts as a failure", async () => {
  const { b } = breaker({ failureThreshold: 2 });
  let aborted = false;
  const hang = (signal: AbortSignal) =>
    new Promise<string>((_, reject) => {
      signal.addEventListener("abort", () => {
        aborted = true;
        reject(signal.reason);
      });
    });
  await assert.rejects(b.call(hang), ProviderTimeoutError);
  assert.equal(aborted, true);
  await assert.rejects(b.call(hang), ProviderTimeoutError);
  assert.equal(b.state, "open");
});

Deno.test("breaker: errors that are answers (a decline) do not count", async () => {
  const { b } = breaker({ isFailure: (e) => !(e instanceof RangeError) });
  for (let i = 0; i < 5; i++) {
    await assert.rejects(b.call(() => Promise.reject(new RangeError("declined"))));
  }
  assert.equal(b.state, "closed");
});
