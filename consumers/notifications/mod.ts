/**
 * Notifications: e-mail to the guest when a reservation is confirmed, cancelled, failed or
 * expired, or a change of it is declined, and signed webhooks to the endpoints a property's
 * admin registered.
 *
 * Two parts, both in the workers process:
 * - {@link notificationsService}, a consumer on the runtime: it reads the bookings of a batch
 *   (guest, lines, property and policy) from Postgres, renders the e-mails (text, HTML, an
 *   `.ics` for a confirmation) and queues deliveries in the event's transaction (exactly once);
 * - {@link Dispatcher}, which sends the queue with retries and backoff, a timeout and a circuit
 *   breaker per target, logs every attempt and publishes `notification.sent` / `.failed`.
 *
 * Receivers check deliveries with {@link verifySignature}. See docs/notifications.md.
 * @module
 */
import type { Sql } from "../../shared/db/mod.ts";
import type { Config } from "../../shared/config/mod.ts";
import type { DispatcherOptions } from "./dispatcher.ts";
import { Dispatcher } from "./dispatcher.ts";
import { smtpMailer } from "./mailer.ts";
import { deliveriesQueued } from "./service.ts";

export { deliveriesQueued, notificationsService, webhookEventTypes } from "./service.ts";
export type { DispatcherOptions } from "./dispatcher.ts";
export { Dispatcher } from "./dispatcher.ts";
export type { Mailer } from "./mailer.ts";
export { smtpMailer } from "./mailer.ts";
export type { EmailMessage } from "./email.ts";
export { emailedEvents, renderEmail } from "./email.ts";
export type { RetryPolicy, SendResult } from "./policy.ts";
export { decide, defaultRetryPolicy } from "./policy.ts";
export type { BreakerTuning } from "./breakers.ts";
export { Breakers } from "./breakers.ts";
export {
  DEFAULT_TOLERANCE_SECONDS,
  SIGNATURE_HEADER,
  signPayload,
  verifySignature,
} from "./signature.ts";
export { postWebhook, WebhookHeaders } from "./webhook.ts";

/** How long one SMTP phase (connect, greeting, command) may take. */
export const SMTP_TIMEOUT_MS = 10_000;

/**
 * Runs the dispatcher with an SMTP mailer for `BERTH_SMTP_URL` / `BERTH_MAIL_FROM`, calling
 * private webhook targets only with `BERTH_WEBHOOK_ALLOW_PRIVATE`, until `signal` is aborted.
 */
export async function runNotificationDispatcher(opts: {
  sql: Sql;
  config: Pick<Config, "BERTH_SMTP_URL" | "BERTH_MAIL_FROM" | "BERTH_WEBHOOK_ALLOW_PRIVATE">;
  signal: AbortSignal;
  tuning?: Omit<DispatcherOptions, "sql" | "mailer">;
}): Promise<void> {
  const mailer = smtpMailer({
    url: opts.config.BERTH_SMTP_URL,
    from: opts.config.BERTH_MAIL_FROM,
    timeoutMs: SMTP_TIMEOUT_MS,
  });
  try {
    await new Dispatcher({
      sql: opts.sql,
      mailer,
      allowPrivateTargets: opts.config.BERTH_WEBHOOK_ALLOW_PRIVATE,
      ...opts.tuning,
    }).run(
      opts.signal,
      deliveriesQueued,
    );
  } finally {
    mailer.close();
  }
}
