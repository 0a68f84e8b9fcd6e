/**
 * The payment rules, pure (no I/O; clocks come in as arguments): when money is captured, how
 * much a cancellation refunds, and what to ask the provider for when a booking ends.
 */

/** When a payment is captured: at confirmation, or at check-out when the booking has a room. */
export type CaptureAt = "confirmation" | "check_out";

/** Rooms are paid at check-out (the stay can still change); seats and units at confirmation. */
export function captureRule(kinds: readonly string[]): CaptureAt {
  return kinds.includes("room") ? "check_out" : "confirmation";
}

/** The cancellation rule is the booking engine's, so a cancel's answer says what is refunded. */
export type { CancellationPolicy } from "../../shared/booking/mod.ts";
export { refundFor } from "../../shared/booking/mod.ts";

/** A payment's money as the payments service keeps it. */
export interface PaymentMoney {
  status: "authorized" | "failed" | "captured" | "voided" | "refunded";
  /** What the booking costs now. */
  amount: number;
  /** Authorized in all: the booking's total, plus each difference a modification added. */
  authorized: number;
  captured: number;
  refunded: number;
  voided: number;
}

/** What is authorized and neither captured nor voided: the hold still on the card. */
export function openOf(p: PaymentMoney): number {
  return Math.max(0, p.authorized - p.captured - p.voided);
}

/** What the provider is asked to do; amounts are positive, steps run in order. */
export type MoneyStep =
  | { op: "capture"; amount: number }
  | { op: "refund"; amount: number }
  | { op: "void"; amount: number };

/** A void of `amount`, or nothing when there is nothing to release. */
const voidStep = (amount: number): MoneyStep[] => amount > 0 ? [{ op: "void", amount }] : [];

/**
 * The steps that end a payment when its booking is cancelled with `refund` due: captured money
 * is refunded; an uncaptured authorization keeps the cancellation fee (captured) and releases
 * the rest (voided), so the guest is only charged what the policy keeps. Whatever else is still
 * held on the card (a difference authorized for a modification that did not happen) is voided.
 */
export function cancellationSteps(p: PaymentMoney, refund: number): MoneyStep[] {
  if (p.status === "authorized") {
    const fee = Math.max(0, p.amount - refund);
    return [
      ...(fee > 0 ? [{ op: "capture" as const, amount: fee }] : []),
      ...voidStep(openOf(p) - fee),
    ];
  }
  if (p.status === "captured" || p.status === "refunded") {
    const amount = Math.min(refund, p.captured - p.refunded);
    return [...(amount > 0 ? [{ op: "refund" as const, amount }] : []), ...voidStep(openOf(p))];
  }
  return [];
}

/**
 * The steps when a booking does not stand (expired, failed, cancelled before confirmation):
 * every cent taken or reserved goes back. What is held on the card is voided; captured money
 * refunded.
 */
export function releaseSteps(p: PaymentMoney): MoneyStep[] {
  if (p.status === "authorized") return voidStep(openOf(p));
  return cancellationSteps(p, p.amount);
}

/**
 * The steps when a booking's total changes from `p.amount` to `total`. Before capture, what is
 * held on the card beyond the new total is released (voided); a higher total was authorized
 * before the change was made (a modification waits for it). Once captured, the difference is
 * captured or refunded at once.
 */
export function modificationSteps(p: PaymentMoney, total: number): MoneyStep[] {
  if (p.status === "authorized") return voidStep(openOf(p) - total);
  if (p.status !== "captured" && p.status !== "refunded") return [];
  const delta = total - (p.captured - p.refunded);
  if (delta > 0) return [{ op: "capture", amount: delta }];
  if (delta < 0) return [{ op: "refund", amount: -delta }];
  return [];
}

/** A payment's status from its totals once it has been authorized. */
export function statusAfter(
  m: { authorized: number; captured: number; refunded: number; voided: number },
): "authorized" | "captured" | "voided" | "refunded" {
  if (m.captured > 0) return m.refunded > 0 ? "refunded" : "captured";
  return m.voided > 0 && m.voided >= m.authorized ? "voided" : "authorized";
}
