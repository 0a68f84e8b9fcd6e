import assert from "node:assert/strict";
import { afterFailure, RETRY_DELAYS_MS } from "./attempts.ts";

Deno.test("attempts: a failing event is tried again after 100, 200, 400, 800 and 1600 ms", () => {
  const waits = [1, 2, 3, 4, 5].map((failed) => afterFailure(failed));
  assert.deepEqual(waits, [100, 200, 400, 800, 1600].map((ms) => ({ retryInMs: ms })));
});

Deno.test("attempts: after the sixth failed try the event goes to the DLQ", () => {
  assert.equal(afterFailure(6), "dead_letter");
  assert.equal(afterFailure(7), "dead_letter");
});

Deno.test("attempts: other delays give as many retries as they have waits", () => {
  assert.deepEqual(afterFailure(1, [5, 10]), { retryInMs: 5 });
  assert.deepEqual(afterFailure(2, [5, 10]), { retryInMs: 10 });
  assert.equal(afterFailure(3, [5, 10]), "dead_letter");
  assert.equal(afterFailure(1, []), "dead_letter");
  assert.equal(RETRY_DELAYS_MS.length, 5);
});
