import assert from "node:assert/strict";
import { MAX_TOTAL } from "../../shared/booking/mod.ts";
import type { PaymentMoney } from "./policy.ts";
import {
  cancellationSteps,
  captureRule,
  modificationSteps,
  refundFor,
  releaseSteps,
  statusAfter,
} from "./policy.ts";

const policy = { freeCancelHours: 48, lateRefundPercent: 30 };
const start = new Date("2030-06-01T13:00:00Z");
const hoursBefore = (h: number) => new Date(start.getTime() - h * 3_600_000);
const pay = (over: Partial<PaymentMoney>): PaymentMoney => ({
  status: "authorized",
  amount: 10_001,
  authorized: 10_001,
  captured: 0,
  refunded: 0,
  voided: 0,
  ...over,
});

Deno.test("capture rule: any room waits for check-out; seats and units at confirmation", () => {
  assert.equal(captureRule(["room", "seat"]), "check_out");
  assert.equal(captureRule(["seat"]), "confirmation");
  assert.equal(captureRule(["unit", "seat"]), "confirmation");
});

Deno.test("refund: full until the free window closes, then the late share rounded down", () => {
  assert.equal(refundFor(10_001, start, hoursBefore(49), policy), 10_001);
  assert.equal(refundFor(10_001, start, hoursBefore(48), policy), 10_001);
  assert.equal(refundFor(10_001, start, hoursBefore(47.9), policy), 3000);
  assert.equal(refundFor(10_001, start, hoursBefore(-5), policy), 3000);
  assert.equal(refundFor(10_001, start, hoursBefore(1), { ...policy, lateRefundPercent: 0 }), 0);
});

Deno.test("late refund of the largest total is exact to the minor unit", () => {
  const late = hoursBefore(1);
  // MAX_TOTAL - 1 = 3_659_999_999_999_999; times 30 it is far beyond 2^53.
  assert.equal(refundFor(MAX_TOTAL - 1, start, late, policy), 1_097_999_999_999_999);
  assert.equal(
    refundFor(MAX_TOTAL - 1, start, late, { ...policy, lateRefundPercent: 99 }),
    3_623_399_999_999_999,
  );
  assert.equal(refundFor(MAX_TOTAL, start, late, { ...policy, lateRefundPercent: 100 }), MAX_TOTAL);
});

Deno.test("cancellation: captured money is refunded, never more than is left", () => {
  assert.deepEqual(cancellationSteps(pay({ status: "captured", captured: 10_001 }), 3000), [
    { op: "refund", amount: 3000 },
  ]);
  assert.deepEqual(
    cancellationSteps(pay({ status: "refunded", captured: 10_001, refunded: 9000 }), 3000),
    [{ op: "refund", amount: 1001 }],
  );
  assert.deepEqual(cancellationSteps(pay({ status: "captured", captured: 10_001 }), 0), []);
});

Deno.test("cancellation: an authorization keeps the fee and voids the rest", () => {
  assert.deepEqual(cancellationSteps(pay({}), 3000), [
    { op: "capture", amount: 7001 },
    { op: "void", amount: 3000 },
  ]);
  assert.deepEqual(cancellationSteps(pay({}), 10_001), [{ op: "void", amount: 10_001 }]);
  assert.deepEqual(cancellationSteps(pay({}), 0), [{ op: "capture", amount: 10_001 }]);
  assert.deepEqual(cancellationSteps(pay({ status: "failed" }), 0), []);
});

Deno.test("cancellation: a difference authorized for a change that never came is voided", () => {
  // 10_001 booked, 5_000 more authorized for a modification, then cancelled with 3000 due.
  const held = pay({ authorized: 15_001 });
  assert.deepEqual(cancellationSteps(held, 3000), [
    { op: "capture", amount: 7001 },
    { op: "void", amount: 8000 },
  ]);
  const captured = pay({ status: "captured", authorized: 15_001, captured: 10_001 });
  assert.deepEqual(cancellationSteps(captured, 10_001), [
    { op: "refund", amount: 10_001 },
    { op: "void", amount: 5000 },
  ]);
  assert.deepEqual(releaseSteps(held), [{ op: "void", amount: 15_001 }]);
});

Deno.test("release: a booking that does not stand gives everything back", () => {
  assert.deepEqual(releaseSteps(pay({})), [{ op: "void", amount: 10_001 }]);
  assert.deepEqual(releaseSteps(pay({ status: "captured", captured: 10_001 })), [
    { op: "refund", amount: 10_001 },
  ]);
  assert.deepEqual(releaseSteps(pay({ status: "voided" })), []);
  // Lowered before: only what is still held is released.
  assert.deepEqual(releaseSteps(pay({ amount: 4001, voided: 6000 })), [
    { op: "void", amount: 4001 },
  ]);
});

Deno.test("modification: a lower total releases the rest; captured money follows the total", () => {
  // Raised: the difference was authorized before the change (the payment holds 20_000).
  assert.deepEqual(modificationSteps(pay({ authorized: 20_000 }), 20_000), []);
  // Lowered before capture: the difference is released.
  assert.deepEqual(modificationSteps(pay({}), 4001), [{ op: "void", amount: 6000 }]);
  assert.deepEqual(modificationSteps(pay({}), 10_001), []);
  const captured = pay({ status: "captured", captured: 10_001 });
  assert.deepEqual(modificationSteps(captured, 12_001), [{ op: "capture", amount: 2000 }]);
  assert.deepEqual(modificationSteps(captured, 9_001), [{ op: "refund", amount: 1000 }]);
  assert.deepEqual(modificationSteps(captured, 10_001), []);
});

Deno.test("status from the totals", () => {
  assert.equal(statusAfter({ authorized: 5, captured: 0, refunded: 0, voided: 0 }), "authorized");
  assert.equal(statusAfter({ authorized: 5, captured: 0, refunded: 0, voided: 5 }), "voided");
  assert.equal(statusAfter({ authorized: 9, captured: 0, refunded: 0, voided: 5 }), "authorized");
  assert.equal(statusAfter({ authorized: 9, captured: 5, refunded: 0, voided: 4 }), "captured");
  assert.equal(statusAfter({ authorized: 5, captured: 5, refunded: 1, voided: 0 }), "refunded");
});
