/**
 * The payments service: authorizes on `reservation.created`, captures by the capture rule,
 * refunds on cancellation by the property's policy, and voids what a booking that does not stand
 * had reserved. Every provider call carries an idempotency key derived from the event, and its
 * record, the inbox row and the emitted `payment.*` events commit in one transaction.
 */
import type { Sql } from "../../shared/db/db.ts";
import { log } from "../../shared/log/log.ts";
import { defineService, type EventOf, type HandlerContext } from "../runtime/mod.ts";
import { CircuitOpenError, ProviderTimeoutError } from "./breaker.ts";
import type { AuthorizeRequest, AuthorizeResult, GuardedProvider } from "./provider.ts";
import {
  cancellationSteps,
  captureRule,
  modificationSteps,
  type MoneyStep,
  refundFor,
  releaseSteps,
  statusAfter,
} from "./policy.ts";
import * as q from "./queries.ts";

/** What the payments service needs. */
export interface PaymentsDeps {
  provider: GuardedProvider;
  /** The clock (default: real time). */
  now?: () => Date;
  /** Authorization tries without an answer before the payment counts as failed (default 3). */
  authorizeTries?: number;
  /** Pause after the first unanswered try, doubled after each next one (default 250 ms). */
  retryPauseMs?: number;
}

const handled = [
  "reservation.created",
  "reservation.confirmed",
  "reservation.modified",
  "reservation.cancelled",
  "reservation.expired",
  "reservation.failed",
  "reservation.checked_out",
] as const;
type Handled = EventOf<typeof handled[number]>;

/**
 * Tries to authorize up to `tries` times. A timeout or an open breaker is "no answer"; after the
 * last try the payment is failed as `provider_timeout` or `provider_unavailable`.
 */
export async function authorizeWithTries(
  provider: GuardedProvider,
  req: AuthorizeRequest,
  tries: number,
  pauseMs: number,
): Promise<AuthorizeResult> {
  let reason = "provider_timeout";
  for (let i = 1; i <= tries; i++) {
    try {
      return await provider.authorize(req);
    } catch (err) {
      if (err instanceof ProviderTimeoutError) reason = "provider_timeout";
      else if (err instanceof CircuitOpenError) reason = "provider_unavailable";
      else throw err;
      log.warn("payment provider did not answer", { reservationId: req.key, try: i, reason });
    }
    if (i < tries) await new Promise((r) => setTimeout(r, pauseMs * 2 ** (i - 1)));
  }
  return { ok: false, reason };
}

/** The payments service, ready for `runService`. */
export function paymentsService(deps: PaymentsDeps) {
  const now = deps.now ?? (() => new Date());
  const tries = deps.authorizeTries ?? 3;
  const pauseMs = deps.retryPauseMs ?? 250;

  async function authorize(tx: Sql, event: EventOf<"reservation.created">, ctx: HandlerContext) {
    const d = event.data;
    if (await q.lockPayment(tx, d.reservationId)) return; // decided before (e.g. a DLQ replay)
    const first = d.items.map((i) => i.from).sort()[0];
    const { startsAt } = await q.policyAndStart(tx, event.propertyId, first);
    const req = {
      key: d.reservationId,
      token: d.paymentToken,
      amount: d.total,
      currency: d.currency,
    };
    const result = await authorizeWithTries(deps.provider, req, tries, pauseMs);
    await q.insertPayment(tx, {
      reservationId: d.reservationId,
      propertyId: event.propertyId,
      currency: d.currency,
      amount: d.total,
      status: result.ok ? "authorized" : "failed",
      providerPaymentId: result.ok ? result.paymentId : null,
      failureReason: result.ok ? null : result.reason,
      captureAt: captureRule(d.items.map((i) => i.kind)),
      startsAt,
      now: now(),
    });
    if (result.ok) {
      await ctx.emit("payment.authorized", {
        reservationId: d.reservationId,
        paymentId: result.paymentId,
        amount: d.total,
        currency: d.currency,
      });
    } else {
      await ctx.emit("payment.failed", {
        reservationId: d.reservationId,
        reason: result.reason,
        currency: d.currency,
      });
    }
  }

  /** Runs `steps` at the provider, records each, emits its event and sets the status. */
  async function move(
    tx: Sql,
    p: q.PaymentRow,
    steps: MoneyStep[],
    reason: string,
    event: Handled,
    ctx: HandlerContext,
  ) {
    if (steps.length === 0 || !p.providerPaymentId) return;
    const totals = { captured: p.captured, refunded: p.refunded, voided: p.voided };
    const at = now();
    for (const step of steps) {
      const req = {
        key: `${event.id}:${step.op}`,
        paymentId: p.providerPaymentId,
        amount: step.amount,
      };
      await deps.provider[step.op](req);
      const why = step.op === "void" ? `void: ${reason}` : reason;
      await q.recordMove(tx, p, step, why, at);
      const ref = {
        reservationId: p.reservationId,
        paymentId: p.providerPaymentId,
        amount: step.amount,
        currency: p.currency,
      };
      if (step.op === "capture") {
        totals.captured += step.amount;
        await ctx.emit("payment.captured", ref);
      } else {
        totals[step.op === "refund" ? "refunded" : "voided"] += step.amount;
        await ctx.emit("payment.refunded", { ...ref, reason: why });
      }
    }
    await q.updatePayment(tx, p.reservationId, { status: statusAfter(totals) }, at);
  }

  return defineService({
    name: "payments",
    events: handled,
    async handle(tx, event, ctx) {
      if (event.type === "reservation.created") return await authorize(tx, event, ctx);
      const p = await q.lockPayment(tx, event.data.reservationId);
      if (!p || p.status === "failed") return; // nothing was authorized: nothing to move
      switch (event.type) {
        case "reservation.confirmed":
          if (p.captureAt === "confirmation" && p.status === "authorized") {
            await move(tx, p, [{ op: "capture", amount: p.amount }], "confirmed", event, ctx);
          }
          return;
        case "reservation.checked_out":
          if (p.status === "authorized") {
            await move(tx, p, [{ op: "capture", amount: p.amount }], "checked out", event, ctx);
          }
          return;
        case "reservation.expired":
          return await move(tx, p, releaseSteps(p), "reservation expired", event, ctx);
        case "reservation.failed":
          return await move(tx, p, releaseSteps(p), "reservation failed", event, ctx);
        case "reservation.cancelled":
          return await cancel(tx, p, event, ctx);
        case "reservation.modified":
          return await modify(tx, p, event, ctx);
      }
    },
  });

  async function cancel(
    tx: Sql,
    p: q.PaymentRow,
    event: EventOf<"reservation.cancelled">,
    ctx: HandlerContext,
  ) {
    if (event.data.previousStatus === "pending") {
      // Cancelled before it was confirmed: the booking never stood, so nothing is kept.
      return await move(tx, p, releaseSteps(p), "cancelled before confirmation", event, ctx);
    }
    const day = p.startsAt.toISOString().slice(0, 10);
    const policy = await q.policyAndStart(tx, p.propertyId, day);
    const refund = refundFor(p.amount, p.startsAt, new Date(event.occurredAt), policy);
    const share = p.amount === 0 ? 100 : Math.round((refund / p.amount) * 100);
    const reason = refund === p.amount
      ? `cancellation: full refund (more than ${policy.freeCancelHours} h before the start)`
      : `cancellation: late, ${share}% refunded`;
    await move(tx, p, cancellationSteps(p, refund), reason, event, ctx);
  }

  async function modify(
    tx: Sql,
    p: q.PaymentRow,
    event: EventOf<"reservation.modified">,
    ctx: HandlerContext,
  ) {
    const d = event.data;
    const first = d.items.map((i) => i.from).sort()[0];
    const { startsAt } = await q.policyAndStart(tx, p.propertyId, first);
    const steps = modificationSteps(p, d.total);
    await move(tx, p, steps, "reservation modified", event, ctx);
    const fresh = (await q.lockPayment(tx, p.reservationId))!;
    await q.updatePayment(tx, p.reservationId, {
      status: fresh.status,
      amount: d.total,
      captureAt: captureRule(d.items.map((i) => i.kind)),
      startsAt,
    }, now());
  }
}
