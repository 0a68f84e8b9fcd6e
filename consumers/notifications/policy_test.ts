import assert from "node:assert/strict";
import type { RetryPolicy } from "./policy.ts";
import { decide } from "./policy.ts";

const policy: RetryPolicy = { delaysMs: [100, 1000], goneThreshold: 3 };
const now = new Date("2030-06-01T12:00:00Z");
const fail = { ok: false, statusCode: 500, error: "answered 500" };

Deno.test("policy: success is sent", () => {
  assert.deepEqual(decide({ attempt: 1, result: { ok: true }, goneInARow: 0, policy, now }), {
    status: "sent",
  });
});

Deno.test("policy: failures retry after each delay, then fail", () => {
  assert.deepEqual(decide({ attempt: 1, result: fail, goneInARow: 0, policy, now }), {
    status: "pending",
    nextAttemptAt: new Date(now.getTime() + 100),
    error: "answered 500",
  });
  const second = decide({ attempt: 2, result: fail, goneInARow: 0, policy, now });
  assert.equal(second.status, "pending");
  assert.deepEqual(decide({ attempt: 3, result: fail, goneInARow: 0, policy, now }), {
    status: "failed",
    error: "gave up after 3 attempts: answered 500",
    disableEndpoint: false,
  });
});

Deno.test("policy: a permanent failure is not retried", () => {
  const d = decide({
    attempt: 1,
    result: { ok: false, statusCode: 550, error: "mailbox unknown", permanent: true },
    goneInARow: 0,
    policy,
    now,
  });
  assert.deepEqual(d, { status: "failed", error: "mailbox unknown", disableEndpoint: false });
});

Deno.test("policy: 410 is retried until the endpoint has answered it threshold times", () => {
  const gone = { ok: false, statusCode: 410, error: "answered 410" };
  assert.equal(decide({ attempt: 1, result: gone, goneInARow: 2, policy, now }).status, "pending");
  assert.deepEqual(decide({ attempt: 1, result: gone, goneInARow: 3, policy, now }), {
    status: "failed",
    error: "endpoint disabled: 3 answers 410 Gone in a row",
    disableEndpoint: true,
  });
});
