/**
 * The payments service's decisions, pure: what a reservation event asks of the provider
 * (`planFor`), and what its answers make of the payment (`evolve`): the new payment state, the
 * movements to record and the events to publish. No I/O; time comes in as an argument.
 */
import type { EventOf } from "../runtime/mod.ts";
import type { AuthorizeRequest, AuthorizeResult } from "./provider.ts";
import {
  type CancellationPolicy,
  cancellationSteps,
  type CaptureAt,
  captureRule,
  modificationSteps,
  type MoneyStep,
  type PaymentMoney,
  refundFor,
  releaseSteps,
  statusAfter,
} from "./policy.ts";

/** The events the payments service handles. */
export const paymentEvents = [
  "reservation.created",
  "reservation.confirmed",
  "reservation.modified",
  "reservation.cancelled",
  "reservation.expired",
  "reservation.failed",
  "reservation.checked_out",
] as const;
export type PaymentEvent = EventOf<typeof paymentEvents[number]>;

/** A payment as the service keeps it (a row of payments.payments). */
export interface PaymentState extends PaymentMoney {
  reservationId: string;
  propertyId: string;
  currency: string;
  authorized: number;
  voided: number;
  providerPaymentId: string | null;
  failureReason: string | null;
  captureAt: CaptureAt;
  startsAt: Date;
}

/** Facts about properties a plan needs: the policy, and when a date starts there. */
export interface PropertyFacts {
  policy(propertyId: string): CancellationPolicy;
  startsAt(propertyId: string, date: string): Date;
}

/**
 * What a plan reads besides the payment: property facts, and the payment method stored with a
 * reservation (its token, which no event carries); null when there is none.
 */
export interface Facts extends PropertyFacts {
  paymentToken(reservationId: string): string | null;
}

/** The answer when a reservation has no stored payment method: declined without a call. */
export const noPaymentMethod: AuthorizeResult = { ok: false, reason: "no_payment_method" };

/** What an event asks of the provider. */
export type Plan =
  | { kind: "none" }
  | {
    kind: "authorize";
    /** Null when the reservation has no stored payment method. */
    req: AuthorizeRequest | null;
    captureAt: CaptureAt;
    startsAt: Date;
  }
  | {
    kind: "move";
    steps: MoneyStep[];
    reason: string;
    /** After a modification: the payment follows the new total, capture rule and start. */
    follow?: { amount: number; captureAt: CaptureAt; startsAt: Date };
  };

const firstDay = (items: { from: string }[]) => items.map((i) => i.from).sort()[0];

/** What `event` asks for, given the payment as it is (null: none yet). */
export function planFor(event: PaymentEvent, p: PaymentState | null, facts: Facts): Plan {
  if (event.type === "reservation.created") {
    if (p) return { kind: "none" }; // decided before (a DLQ replay)
    const d = event.data;
    const token = facts.paymentToken(d.reservationId);
    return {
      kind: "authorize",
      req: token === null
        ? null
        : { key: d.reservationId, token, amount: d.total, currency: d.currency },
      captureAt: captureRule(d.items.map((i) => i.kind)),
      startsAt: facts.startsAt(event.propertyId, firstDay(d.items)),
    };
  }
  if (!p || p.status === "failed" || !p.providerPaymentId) return { kind: "none" };
  const move = (steps: MoneyStep[], reason: string): Plan =>
    steps.length ? { kind: "move", steps, reason } : { kind: "none" };
  const capture = [{ op: "capture" as const, amount: p.amount }];
  switch (event.type) {
    case "reservation.confirmed":
      return p.captureAt === "confirmation" && p.status === "authorized"
        ? move(capture, "confirmed")
        : { kind: "none" };
    case "reservation.checked_out":
      return p.status === "authorized" ? move(capture, "checked out") : { kind: "none" };
    case "reservation.expired":
      return move(releaseSteps(p), "reservation expired");
    case "reservation.failed":
      return move(releaseSteps(p), "reservation failed");
    case "reservation.cancelled": {
      if (event.data.previousStatus === "pending") {
        // Cancelled before it was confirmed: the booking never stood, so nothing is kept.
        return move(releaseSteps(p), "cancelled before confirmation");
      }
      const policy = facts.policy(p.propertyId);
      const refund = refundFor(p.amount, p.startsAt, new Date(event.occurredAt), policy);
      const share = p.amount === 0 ? 100 : Math.round((refund / p.amount) * 100);
      const reason = refund === p.amount
        ? `cancellation: full refund (more than ${policy.freeCancelHours} h before the start)`
        : `cancellation: late, ${share}% refunded`;
      return move(cancellationSteps(p, refund), reason);
    }
    case "reservation.modified": {
      const d = event.data;
      return {
        kind: "move",
        steps: modificationSteps(p, d.total),
        reason: "reservation modified",
        follow: {
          amount: d.total,
          captureAt: captureRule(d.items.map((i) => i.kind)),
          startsAt: facts.startsAt(p.propertyId, firstDay(d.items)),
        },
      };
    }
  }
}

/** A movement to record. */
export interface Movement {
  reservationId: string;
  propertyId: string;
  currency: string;
  kind: MoneyStep["op"];
  amount: number;
  reason: string;
  at: Date;
}

/** An event to publish: its type and data (the caller makes the envelope). */
export type Emit =
  | { type: "payment.authorized"; data: EventDataOf<"payment.authorized"> }
  | { type: "payment.failed"; data: EventDataOf<"payment.failed"> }
  | { type: "payment.captured"; data: EventDataOf<"payment.captured"> }
  | { type: "payment.refunded"; data: EventDataOf<"payment.refunded"> };
type EventDataOf<
  T extends "payment.authorized" | "payment.failed" | "payment.captured" | "payment.refunded",
> = EventOf<T>["data"];

/** What a plan and the provider's answers make of a payment. */
export interface Evolved {
  state: PaymentState | null;
  movements: Movement[];
  emits: Emit[];
}

/** The payment after an authorization's answer. */
export function evolveAuthorized(
  event: EventOf<"reservation.created">,
  plan: Extract<Plan, { kind: "authorize" }>,
  result: AuthorizeResult,
): Evolved {
  const d = event.data;
  const state: PaymentState = {
    reservationId: d.reservationId,
    propertyId: event.propertyId,
    currency: d.currency,
    amount: d.total,
    authorized: result.ok ? d.total : 0,
    captured: 0,
    refunded: 0,
    voided: 0,
    status: result.ok ? "authorized" : "failed",
    providerPaymentId: result.ok ? result.paymentId : null,
    failureReason: result.ok ? null : result.reason,
    captureAt: plan.captureAt,
    startsAt: plan.startsAt,
  };
  const ref = { reservationId: d.reservationId, currency: d.currency };
  const emits: Emit[] = result.ok
    ? [{
      type: "payment.authorized",
      data: { ...ref, paymentId: result.paymentId, amount: d.total },
    }]
    : [{ type: "payment.failed", data: { ...ref, reason: result.reason } }];
  return { state, movements: [], emits };
}

/** The payment after every step of a move went through at the provider. */
export function evolveMoved(
  p: PaymentState,
  plan: Extract<Plan, { kind: "move" }>,
  at: Date,
): Evolved {
  const totals = { captured: p.captured, refunded: p.refunded, voided: p.voided };
  const movements: Movement[] = [];
  const emits: Emit[] = [];
  for (const step of plan.steps) {
    const why = step.op === "void" ? `void: ${plan.reason}` : plan.reason;
    movements.push({
      reservationId: p.reservationId,
      propertyId: p.propertyId,
      currency: p.currency,
      kind: step.op,
      amount: step.amount,
      reason: why,
      at,
    });
    const ref = {
      reservationId: p.reservationId,
      paymentId: p.providerPaymentId!,
      amount: step.amount,
      currency: p.currency,
    };
    if (step.op === "capture") {
      totals.captured += step.amount;
      emits.push({ type: "payment.captured", data: ref });
    } else {
      totals[step.op === "refund" ? "refunded" : "voided"] += step.amount;
      emits.push({ type: "payment.refunded", data: { ...ref, reason: why } });
    }
  }
  const status = plan.steps.length ? statusAfter(totals) : p.status;
  const state: PaymentState = { ...p, ...totals, status, ...(plan.follow ?? {}) };
  return { state, movements, emits };
}
