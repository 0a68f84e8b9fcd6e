import assert from "node:assert/strict";
import { adjustmentOf, cancellationRefund } from "./money.ts";
import type { ReservationState } from "./state.ts";

const policy = { freeCancelHours: 24, lateRefundPercent: 30 };
/** The first night starts at midnight in Amsterdam: 22:00 UTC the day before, in June. */
const startsAt = new Date("2030-06-09T22:00:00Z");
const reservation = (over: Partial<ReservationState>) =>
  ({ status: "confirmed", total: 10_001, currency: "EUR", ...over }) as ReservationState;

Deno.test("refund: given a confirmed booking, cancelled up to the deadline, all of it", () => {
  const r = cancellationRefund(reservation({}), policy, startsAt, new Date("2030-06-08T22:00:00Z"));
  assert.deepEqual(r, {
    amount: 10_001,
    kept: 0,
    currency: "EUR",
    rule: "free",
    freeUntil: "2030-06-08T22:00:00.000Z",
    policy,
  });
});

Deno.test("refund: given a confirmed booking, cancelled after the deadline, the late share", () => {
  const r = cancellationRefund(reservation({}), policy, startsAt, new Date("2030-06-09T10:00:00Z"));
  assert.equal(r.rule, "late");
  assert.equal(r.amount, 3000);
  assert.equal(r.kept, 7001);
  assert.equal(r.amount + r.kept, 10_001);
});

Deno.test("refund: given a pending booking, even on the day, nothing is kept", () => {
  const r = cancellationRefund(
    reservation({ status: "pending" }),
    policy,
    startsAt,
    new Date("2030-06-10T10:00:00Z"),
  );
  assert.equal(r.rule, "unconfirmed");
  assert.equal(r.amount, 10_001);
  assert.equal(r.kept, 0);
});

Deno.test("adjustment: a higher total is authorized, a lower one released, the same none", () => {
  const before = reservation({ total: 24_000 });
  assert.deepEqual(adjustmentOf(before, 36_000), {
    previousTotal: 24_000,
    newTotal: 36_000,
    difference: 12_000,
    currency: "EUR",
    payment: "authorize",
  });
  assert.equal(adjustmentOf(before, 12_000).payment, "release");
  assert.equal(adjustmentOf(before, 12_000).difference, -12_000);
  assert.equal(adjustmentOf(before, 24_000).payment, "none");
});
