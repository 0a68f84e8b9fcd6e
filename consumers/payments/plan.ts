/**
 * The payments service's first decision, pure: what a reservation event asks of the provider
 * (`planFor`). What the answers make of the payment is `evolve.ts`. No I/O; time comes in as an
 * argument.
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
