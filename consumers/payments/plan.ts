/**
 * The payments service's decisions, pure: what a reservation event asks of the provider
 * (`planFor`), and what its answers make of the payment (`evolve`): the new payment state, the
 * movements to record and the events to publish. No I/O; time comes in as an argument.
 */
import { eventTypesOf } from "../../shared/events/mod.ts";
import type { EventOf } from "../runtime/mod.ts";
import type { AuthorizeRequest, AuthorizeResult } from "./provider.ts";
import type { CancellationPolicy, CaptureAt, MoneyStep, PaymentMoney } from "./policy.ts";
import {
  cancellationSteps,
  captureRule,
  modificationSteps,
  refundFor,
  releaseSteps,
  statusAfter,
} from "./policy.ts";

/** The events the payments service handles. */
export const paymentEvents = eventTypesOf(["reservation"], [
  // Moves no money: a declined difference was never authorized, a check-in pays nothing.
  "reservation.modification_declined",
  "reservation.checked_in",
]);
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

/** What an authorization asks the provider, or the answer it has without asking. */
export type Ask = { req: AuthorizeRequest } | { answer: AuthorizeResult };

/** What an event asks of the provider. */
export type Plan =
  | { kind: "none" }
  | { kind: "authorize"; ask: Ask; captureAt: CaptureAt; startsAt: Date }
  | {
    /** A modification raised the total: the difference is authorized on the same payment. */
    kind: "increment";
    ask: Ask;
    modificationId: string;
    amount: number;
    total: number;
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
      ask: token === null
        ? { answer: noPaymentMethod }
        : { req: { key: d.reservationId, token, amount: d.total, currency: d.currency } },
      captureAt: captureRule(d.items.map((i) => i.kind)),
      startsAt: facts.startsAt(event.propertyId, firstDay(d.items)),
    };
  }
  if (event.type === "reservation.modification_requested") return planIncrement(event, p, facts);
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

/**
 * A modification that raised the total asks for the difference on the booking's payment, with
 * the stored payment method (an incremental authorization). Without a live authorization
 * (failed, released) or a payment method it is declined at once, so the modification never
 * waits on an answer that cannot come; nothing to add is an authorization without a call.
 */
function planIncrement(
  event: EventOf<"reservation.modification_requested">,
  p: PaymentState | null,
  facts: Facts,
): Plan {
  const d = event.data;
  const amount = p ? Math.max(0, d.total - p.amount) : 0;
  const base = {
    kind: "increment" as const,
    modificationId: d.modificationId,
    amount,
    total: d.total,
  };
  if (!p || !p.providerPaymentId || p.status === "failed" || p.status === "voided") {
    return { ...base, ask: { answer: { ok: false, reason: "payment_not_authorized" } } };
  }
  if (amount === 0) {
    return { ...base, ask: { answer: { ok: true, paymentId: p.providerPaymentId } } };
  }
  const token = facts.paymentToken(d.reservationId);
  if (token === null) return { ...base, ask: { answer: noPaymentMethod } };
  const req = {
    key: `${event.id}:authorize`,
    token,
    amount,
    currency: p.currency,
    paymentId: p.providerPaymentId,
  };
  return { ...base, ask: { req } };
}

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
