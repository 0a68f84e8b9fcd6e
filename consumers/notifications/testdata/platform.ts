/**
 * Test platform for notifications: a migrated database, a nats-server with the berth streams,
 * the api in-process, the outbox relay, the payment saga (payments and reservations services on
 * the simulator), the notifications service and its dispatcher, an in-process SMTP server and
 * a webhook receiver.
 */
import { jetstreamManager } from "@nats-io/jetstream";
import { connectNats } from "../../../shared/nats/mod.ts";
import { provisionStreams } from "../../../shared/events/mod.ts";
import { runRelay } from "../../../shared/outbox/mod.ts";
import { testDatabase, testNats } from "../../../testing/mod.ts";
import { booking, seedCatalogue, testApp } from "../../../testing/app.ts";
import { runService } from "../../runtime/mod.ts";
import { GuardedProvider, PaymentSimulator, paymentsService } from "../../payments/mod.ts";
import { reservationsService } from "../../reservations/mod.ts";
import { deliveriesQueued, Dispatcher, notificationsService, smtpMailer } from "../mod.ts";
import { testSmtpServer } from "../../../testing/smtp.ts";
import { testReceiver } from "./receiver.ts";

/** Webhook timeout in these tests. */
export const WEBHOOK_TIMEOUT_MS = 500;

/**
 * Starts everything; `receiverScript` says how each receiver path answers its n-th request. The
 * api registers private targets (the receiver is on 127.0.0.1); the dispatcher calls them unless
 * `dispatchToPrivate` is false.
 */
export async function notificationsPlatform(
  receiverScript: (path: string, n: number) => number | "hang",
  opts: { dispatchToPrivate?: boolean } = {},
) {
  const db = await testDatabase();
  const server = await testNats();
  const nc = await connectNats(server.url, "notifications-test");
  await provisionStreams(await jetstreamManager(nc));
  const sql = db.sql;
  const { call } = testApp(sql, { env: { BERTH_WEBHOOK_ALLOW_PRIVATE: "true" } });
  const smtp = await testSmtpServer();
  const receiver = testReceiver(receiverScript);
  const provider = new GuardedProvider(new PaymentSimulator(sql), {
    timeoutMs: 3000,
    failureThreshold: 100,
    openMs: 1000,
  });
  const mailer = smtpMailer({
    url: smtp.url,
    from: "berth <bookings@berth.test>",
    timeoutMs: 5000,
  });
  const dispatcher = new Dispatcher({
    sql,
    mailer,
    policy: { delaysMs: [100, 200, 400], goneThreshold: 3 },
    // No polling to speak of: queued deliveries wake it, retries are awaited to the moment due.
    pollMs: 60_000,
    webhookTimeoutMs: WEBHOOK_TIMEOUT_MS,
    breaker: { failureThreshold: 3, openMs: 500 },
    allowPrivateTargets: opts.dispatchToPrivate ?? true,
  });
  const stop = new AbortController();
  const signal = stop.signal;
  const running = Promise.all([
    runRelay({ sql, nc, signal }),
    runService({ sql, nc, signal, service: notificationsService }),
    runService({
      sql,
      nc,
      signal,
      service: paymentsService({ provider, retryPauseMs: 50, authorizeTries: 1 }),
    }),
    runService({ sql, nc, signal, service: reservationsService() }),
    dispatcher.run(signal, deliveriesQueued),
  ]);

  let n = 0;
  /** Books one night of the seeded room for `email`, paying with `token`. */
  async function book(propertyId: string, roomId: string, email: string, token: string) {
    const day = `2030-06-0${1 + (n++ % 7)}`;
    const next = `2030-06-0${2 + ((n - 1) % 7)}`;
    const body = {
      ...booking(propertyId, [{ resourceId: roomId, from: day, to: next, quantity: 1 }], token),
      guest: { name: "Ada Lovelace", email },
    };
    const r = await call("POST", "/v1/reservations", body, {
      "idempotency-key": crypto.randomUUID(),
    });
    if (r.status !== 201) throw new Error(`booking failed: ${JSON.stringify(r.body)}`);
    return r.body as { id: string; confirmationNumber: string };
  }

  /** Registers an endpoint at the receiver's `path`; the receiver learns its secret. */
  async function register(propertyId: string, path: string, events: string[]) {
    const r = await call("POST", `/v1/properties/${propertyId}/webhooks`, {
      url: receiver.base + path,
      events,
    });
    if (r.status !== 201) throw new Error(`register failed: ${JSON.stringify(r.body)}`);
    receiver.secretFor(path, r.body.secret);
    return r.body as { id: string; secret: string };
  }

  /** notification.* events in the outbox, oldest first. */
  async function notes() {
    const rows = await sql<{ type: string; payload: string }[]>`
      select type, payload from outbox where type like 'notification.%' order by seq`;
    return rows.map((r) => JSON.parse(r.payload));
  }

  return {
    sql,
    call,
    smtp,
    receiver,
    book,
    register,
    notes,
    seed: () => seedCatalogue(call),
    async close() {
      stop.abort();
      await running.catch(() => {});
      mailer.close();
      await receiver.close();
      await smtp.close();
      await nc.close();
      await server.stop();
      await db.drop();
    },
  };
}
