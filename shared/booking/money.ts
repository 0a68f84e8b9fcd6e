/**
 * What a change does to a reservation's money, pure: the refund a cancellation gives under the
 * property's policy, and the payment adjustment of a modification. The api answers with these;
 * the payments service moves the money by the same rules (`refundFor` is its rule too), so
 * what a cancel says is refunded is what the card gets back.
 */
import type { ReservationState } from "./state.ts";

/** A property's cancellation policy. */
export interface CancellationPolicy {
  freeCancelHours: number;
  lateRefundPercent: number;
}

/**
 * The share of `amount` a cancellation at `cancelledAt` gives back: all of it until
 * `freeCancelHours` before `startsAt`, then `lateRefundPercent` of it, rounded down to a whole
 * minor unit (the guest never gets more than the policy says). Exact for any amount below 2^53:
 * hundreds and the remainder are scaled apart, so no product passes 2^53.
 */
export function refundFor(
  amount: number,
  startsAt: Date,
  cancelledAt: Date,
  policy: CancellationPolicy,
): number {
  const deadline = startsAt.getTime() - policy.freeCancelHours * 3_600_000;
  if (cancelledAt.getTime() <= deadline) return amount;
  const pct = policy.lateRefundPercent;
  return Math.floor(amount / 100) * pct + Math.floor(((amount % 100) * pct) / 100);
}

/**
 * What a cancellation gives back. `rule`: `unconfirmed` (cancelled before the payment confirmed
 * it: nothing is kept, the authorization is released), `free` (before `freeUntil`: all of it),
 * `late` (after: `lateRefundPercent` of it). `kept` is what the property keeps.
 */
export interface Refund {
  amount: number;
  kept: number;
  currency: string;
  rule: "unconfirmed" | "free" | "late";
  /** Until when a cancellation gave everything back: `freeCancelHours` before the stay starts. */
  freeUntil: string;
  policy: CancellationPolicy;
}

/**
 * The refund of cancelling `s` (as it was before the cancellation) at `at`, its stay starting at
 * `startsAt` (the first date's midnight at the property), under `policy`.
 */
export function cancellationRefund(
  s: ReservationState,
  policy: CancellationPolicy,
  startsAt: Date,
  at: Date,
): Refund {
  const freeUntil = new Date(startsAt.getTime() - policy.freeCancelHours * 3_600_000);
  const rule = s.status === "pending" ? "unconfirmed" : at <= freeUntil ? "free" : "late";
  const amount = rule === "unconfirmed" ? s.total : refundFor(s.total, startsAt, at, policy);
  return {
    amount,
    kept: s.total - amount,
    currency: s.currency,
    rule,
    freeUntil: freeUntil.toISOString(),
    policy,
  };
}

/**
 * What a modification does to the payment: `authorize` (the total rises: the difference is
 * authorized on the card before the change is made), `release` (it falls: the difference goes
 * back, voided while the payment is not captured, refunded once it is) or `none`.
 */
export interface Adjustment {
  previousTotal: number;
  newTotal: number;
  difference: number;
  currency: string;
  payment: "authorize" | "release" | "none";
}

/** The adjustment of a modification of `before` to `newTotal`. */
export function adjustmentOf(before: ReservationState, newTotal: number): Adjustment {
  const difference = newTotal - before.total;
  return {
    previousTotal: before.total,
    newTotal,
    difference,
    currency: before.currency,
    payment: difference > 0 ? "authorize" : difference < 0 ? "release" : "none",
  };
}
