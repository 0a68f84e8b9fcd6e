/**
 * The dispatcher sends what the handler queued: it claims due deliveries (`for update skip
 * locked` and a lease, so several workers share the queue), sends each outside any transaction
 * through a per-target circuit breaker with a timeout, then in one transaction logs the attempt,
 * decides (sent, retry later, failed; an endpoint answering 410 too often is disabled) and, once
 * a delivery is settled, appends `notification.sent` or `notification.failed` to the outbox.
 */
import type { Sql } from "../../shared/db/mod.ts";
import { inTransaction, isPgUnavailable } from "../../shared/db/mod.ts";
import { makeEvent } from "../../shared/events/mod.ts";
import { uuidv7 } from "../../shared/ids/mod.ts";
import { appendToOutbox } from "../../shared/outbox/mod.ts";
import { sleep } from "../../shared/time/mod.ts";
import { log, withLogContext } from "../../shared/log/mod.ts";
import { annotateSpan, inSpan, SpanKind, traceContextOf } from "../../shared/tracing/mod.ts";
import { CircuitOpenError } from "../payments/mod.ts";
import type { BreakerTuning } from "./breakers.ts";
import { Breakers, UnhealthyAnswer } from "./breakers.ts";
import type { EmailMessage } from "./email.ts";
import type { Mailer } from "./mailer.ts";
import type { RetryPolicy, SendResult } from "./policy.ts";
import { decide, defaultRetryPolicy } from "./policy.ts";
import { postWebhook } from "./webhook.ts";
import * as q from "./queries.ts";

/** What the dispatcher needs and how it is tuned. */
export interface DispatcherOptions {
  sql: Sql;
  mailer: Mailer;
  policy?: RetryPolicy;
  /**
   * The longest wait when nothing is due (default 30 s); it waits less when a retry or a lapsed
   * claim falls due sooner. Deliveries this process queues wake it at once.
   */
  pollMs?: number;
  /** Deliveries claimed and sent at once (default 16). */
  batch?: number;
  /** Timeout of one webhook request (default 5 s). */
  webhookTimeoutMs?: number;
  /** Timeout of sending one e-mail, all SMTP phases together (default 30 s). */
  emailTimeoutMs?: number;
  /** How long a claim holds before another worker may take the delivery (default 60 s). */
  leaseMs?: number;
  /** Consecutive failures that open a breaker (default 5) and how long it stays open (30 s). */
  breaker?: BreakerTuning;
  /**
   * Call webhooks on loopback, private and other non-public addresses (default false:
   * `BERTH_WEBHOOK_ALLOW_PRIVATE`, for development and tests).
   */
  allowPrivateTargets?: boolean;
  now?: () => Date;
  fetch?: typeof fetch;
}

/** The shortest wait between two looks (a due delivery another dispatcher is claiming). */
const MIN_WAIT_MS = 20;

/** Sends queued notifications; `tick()` once, or `run(signal)` until aborted. */
export class Dispatcher {
  readonly #o: Required<Omit<DispatcherOptions, "fetch">> & { fetch?: typeof fetch };
  readonly #breakers: Breakers;

  constructor(opts: DispatcherOptions) {
    this.#o = {
      policy: defaultRetryPolicy,
      pollMs: 30_000,
      batch: 16,
      webhookTimeoutMs: 5000,
      emailTimeoutMs: 30_000,
      leaseMs: 60_000,
      allowPrivateTargets: false,
      breaker: { failureThreshold: 5, openMs: 30_000 },
      now: () => new Date(),
      ...opts,
    };
    const now = this.#o.now;
    this.#breakers = new Breakers(this.#o.breaker, () => now().getTime());
  }

  /** Claims and sends one batch of due deliveries; returns how many were claimed. */
  async tick(): Promise<number> {
    const { sql, now, leaseMs, batch } = this.#o;
    const t = now();
    const due = await q.claimDue(sql, t, new Date(t.getTime() + leaseMs), batch);
    await Promise.all(due.map((d) =>
      withLogContext(
        { correlationId: d.correlation_id, deliveryId: d.id },
        () => this.#traced(d).catch((err) => log.error("delivery not recorded", { err })),
      )
    ));
    return due.length;
  }

  /**
   * Sends until `signal` is aborted: at once when `wake` fires (deliveries queued in this
   * process), else when the next retry or lapsed claim falls due, or after `pollMs` (deliveries
   * queued by a process that stopped before sending them). Errors (Postgres away) are logged
   * and polled again.
   */
  async run(signal: AbortSignal, wake?: EventTarget): Promise<void> {
    let woken = Promise.withResolvers<void>();
    const onWake = () => woken.resolve();
    wake?.addEventListener("queued", onWake);
    try {
      while (!signal.aborted) {
        let claimed = 0;
        let wait = this.#o.pollMs;
        try {
          claimed = await this.tick();
          const next = claimed ? null : await q.nextDue(this.#o.sql);
          if (next) {
            wait = Math.max(MIN_WAIT_MS, Math.min(wait, next.getTime() - this.#o.now().getTime()));
          }
        } catch (err) {
          log.warn("notifications dispatcher: poll failed", { err });
        }
        if (claimed === 0) {
          await Promise.race([woken.promise, sleep(wait, signal)]);
          woken = Promise.withResolvers<void>();
        }
      }
    } finally {
      wake?.removeEventListener("queued", onWake);
    }
  }

  /**
   * Delivers in a span of its own (`notifications send email` or `... webhook`), child of the
   * span that queued it, so the send ends the booking's trace and `notification.sent` continues
   * it.
   */
  #traced(d: q.DueDelivery): Promise<void> {
    const attributes = {
      "berth.delivery.id": d.id,
      "berth.delivery.attempt": d.attempts + 1,
      "berth.event.type": d.event_type,
      "berth.correlation_id": d.correlation_id,
    };
    return inSpan(
      `notifications send ${d.channel}`,
      { kind: SpanKind.CLIENT, parent: traceContextOf(d), attributes },
      () => this.#deliver(d),
    );
  }

  async #deliver(d: q.DueDelivery): Promise<void> {
    const { sql, now } = this.#o;
    if (d.channel === "webhook" && d.endpoint_status !== "active") {
      await q.cancelDelivery(sql, d.id, `endpoint ${d.endpoint_status ?? "missing"}`);
      return;
    }
    const breaker = d.channel === "email"
      ? this.#breakers.for("smtp", this.#o.emailTimeoutMs)
      : this.#breakers.for(`webhook:${d.endpoint_id}`, this.#o.webhookTimeoutMs);
    const attempt = d.attempts + 1;
    const startedAt = now();
    let result: SendResult;
    try {
      result = await breaker.call(async (signal) => {
        const r = await this.#send(d, attempt, startedAt, signal);
        if (r.unhealthy) throw new UnhealthyAnswer(r);
        return r;
      });
    } catch (err) {
      if (err instanceof CircuitOpenError) {
        annotateSpan({ "berth.delivery.postponed": true });
        await q.postpone(sql, d.id, new Date(err.retryAt));
        return;
      }
      result = err instanceof UnhealthyAnswer
        ? err.result
        : { ok: false, error: (err as Error)?.message ?? String(err), unhealthy: true };
    }
    const durationMs = now().getTime() - startedAt.getTime();
    const code = result.statusCode === undefined
      ? {}
      : { "berth.delivery.code": result.statusCode };
    const failed = result.ok ? undefined : result.error ?? "not sent";
    annotateSpan({ "berth.delivery.ok": result.ok, ...code }, failed);
    // Sent is sent: while Postgres is away (a restart), recording it is tried again within the
    // claim, so the delivery is not sent a second time when the claim lapses.
    const recordBy = Date.now() + this.#o.leaseMs / 2;
    await untilRecorded(recordBy, () =>
      inTransaction(sql, async (tx) => {
        await q.logAttempt(tx, { deliveryId: d.id, attempt, startedAt, durationMs, ...result });
        let gone = 0;
        if (d.endpoint_id && result.statusCode === 410) gone = await q.countGone(tx, d.endpoint_id);
        else if (d.endpoint_id && result.statusCode !== undefined) {
          await q.resetGone(tx, d.endpoint_id);
        }
        const decision = decide({
          attempt,
          result,
          goneInARow: gone,
          policy: this.#o.policy,
          now: now(),
        });
        await q.settle(tx, d.id, attempt, decision);
        if (decision.status === "failed" && decision.disableEndpoint && d.endpoint_id) {
          await q.disableEndpoint(tx, d.endpoint_id, decision.error);
          log.warn("webhook endpoint disabled", {
            endpointId: d.endpoint_id,
            reason: decision.error,
          });
        }
        if (decision.status === "pending") return;
        // The target is a reference, never the address: an e-mail is named by its delivery id.
        const note = {
          channel: d.channel,
          target: d.channel === "email" ? d.id : d.endpoint_id!,
          eventId: d.event_id,
          eventType: d.event_type,
          attempts: attempt,
        };
        const at = now();
        const meta = {
          correlationId: d.correlation_id,
          causationId: d.event_id,
          now: at,
          id: uuidv7(at.getTime()),
        };
        await appendToOutbox(tx, [
          decision.status === "sent"
            ? makeEvent("notification.sent", d.property_id, note, meta)
            : makeEvent(
              "notification.failed",
              d.property_id,
              { ...note, error: decision.error },
              meta,
            ),
        ]);
      }));
    log[result.ok ? "debug" : "info"]("notification attempt", {
      channel: d.channel,
      eventType: d.event_type,
      attempt,
      ok: result.ok,
      statusCode: result.statusCode,
      error: result.error,
    });
  }

  #send(d: q.DueDelivery, attempt: number, at: Date, signal: AbortSignal): Promise<SendResult> {
    if (d.channel === "email") {
      const message = JSON.parse(d.body) as EmailMessage;
      return this.#o.mailer.send({ ...message, messageId: `<${d.id}@berth>` });
    }
    return postWebhook({
      url: d.endpoint_url!,
      secret: d.endpoint_secret!,
      body: d.body,
      deliveryId: d.id,
      eventId: d.event_id,
      eventType: d.event_type,
      attempt,
    }, { now: at, signal, fetch: this.#o.fetch, allowPrivate: this.#o.allowPrivateTargets });
  }
}

/** Runs `write` until it succeeds, trying again while Postgres cannot be reached until `by`. */
async function untilRecorded<T>(by: number, write: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await write();
    } catch (err) {
      if (!isPgUnavailable(err) || Date.now() > by) throw err;
      await sleep(250);
    }
  }
}
