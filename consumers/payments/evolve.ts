/**
 * The payments service's second decision, pure: what a plan (`plan.ts`) and the provider's
 * answers make of the payment: the new payment state, the movements to record and the events
 * to publish. No I/O; time comes in as an argument.
 */
import type { EventOf } from "../runtime/mod.ts";
import type { AuthorizeResult } from "./provider.ts";
import type { MoneyStep } from "./policy.ts";
import { statusAfter } from "./policy.ts";
import type { PaymentState, Plan } from "./plan.ts";

/** A movement to record: an authorization, or a step the provider made. */
export interface Movement {
  reservationId: string;
  propertyId: string;
  currency: string;
  kind: MoneyStep["op"] | "authorize";
  amount: number;
  reason: string;
  at: Date;
}

function movement(
  p: PaymentState,
  kind: Movement["kind"],
  amount: number,
  reason: string,
  at: Date,
): Movement {
  return {
    reservationId: p.reservationId,
    propertyId: p.propertyId,
    currency: p.currency,
    kind,
    amount,
    reason,
    at,
  };
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
  at: Date,
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
  const movements = result.ok && d.total > 0
    ? [movement(state, "authorize", d.total, "reservation created", at)]
    : [];
  return { state, movements, emits };
}

/**
 * The payment after the answer to a modification's difference: authorized, it holds that much
 * more (`payment.authorized` with the difference and the modification's id); declined, it is as
 * it was (`payment.failed` with the reason and the modification's id). Either answer lets the
 * reservations service apply or drop the modification.
 */
export function evolveIncremented(
  event: EventOf<"reservation.modification_requested">,
  p: PaymentState | null,
  plan: Extract<Plan, { kind: "increment" }>,
  result: AuthorizeResult,
  at: Date,
): Evolved {
  const d = event.data;
  const ref = { reservationId: d.reservationId, currency: d.currency };
  const modificationId = plan.modificationId;
  if (!result.ok || !p) {
    const reason = result.ok ? "payment_not_authorized" : result.reason;
    return {
      state: p,
      movements: [],
      emits: [{ type: "payment.failed", data: { ...ref, reason, modificationId } }],
    };
  }
  const state = { ...p, authorized: p.authorized + plan.amount };
  const why = `reservation modified: ${p.amount} to ${plan.total}, the difference authorized`;
  return {
    state,
    movements: plan.amount > 0 ? [movement(p, "authorize", plan.amount, why, at)] : [],
    emits: [{
      type: "payment.authorized",
      data: { ...ref, paymentId: result.paymentId, amount: plan.amount, modificationId },
    }],
  };
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
    movements.push(movement(p, step.op, step.amount, why, at));
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
  const status = plan.steps.length
    ? statusAfter({ ...totals, authorized: p.authorized })
    : p.status;
  const state: PaymentState = { ...p, ...totals, status, ...(plan.follow ?? {}) };
  return { state, movements, emits };
}
