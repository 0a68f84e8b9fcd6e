/**
 * Test platform for the payment saga: a migrated database, a nats-server with the berth
 * streams, the api in-process, the outbox relay, and the payments and reservations services
 * running through the consumer runtime against the deterministic simulator.
 */
import { connectNats } from "../../../shared/nats/mod.ts";
import { provisionStreams } from "../../../shared/events/mod.ts";
import { runRelay } from "../../../shared/outbox/mod.ts";
import { testDatabase, testNats } from "../../../testing/mod.ts";
import { jetstreamManager } from "@nats-io/jetstream";
import { seedCatalogue, testApp, TestClock } from "../../../testing/app.ts";
import { runService } from "../../runtime/mod.ts";
import { reservationsService } from "../../reservations/mod.ts";
import { GuardedProvider } from "../provider.ts";
import { PaymentSimulator } from "../simulator.ts";
import { paymentsService } from "../service.ts";
import { paymentMetrics, Registry, reservationMetrics } from "../../../shared/metrics/mod.ts";

/** Provider timeout in these tests: short, so `tok_slow` ends quickly. */
export const TEST_TIMEOUT_MS = 300;

/** Starts the platform; `close()` stops the services and tears everything down. */
export async function sagaPlatform() {
  const db = await testDatabase();
  const server = await testNats();
  const nc = await connectNats(server.url, "saga-test");
  await provisionStreams(await jetstreamManager(nc));
  const clock = new TestClock();
  const { call } = testApp(db.sql, { clock });
  const simulator = new PaymentSimulator(db.sql);
  const registry = new Registry();
  const provider = new GuardedProvider(simulator, {
    timeoutMs: TEST_TIMEOUT_MS,
    failureThreshold: 5,
    openMs: 1000,
  }, paymentMetrics(registry));
  const stop = new AbortController();
  const signal = stop.signal;
  const sql = db.sql;
  const running = Promise.all([
    runRelay({ sql, nc, signal }),
    runService({
      sql,
      nc,
      signal,
      service: paymentsService({ provider, retryPauseMs: 50, deferAfterMs: 100 }),
    }),
    runService({
      sql,
      nc,
      signal,
      service: reservationsService({ metrics: reservationMetrics(registry) }),
    }),
  ]);
  return {
    sql,
    nc,
    call,
    clock,
    simulator,
    provider,
    /** The provider's and the reservations service's metrics. */
    registry,
    seed: () => seedCatalogue(call),
    async close() {
      stop.abort();
      await running.catch(() => {});
      await nc.close();
      await server.stop();
      await db.drop();
    },
  };
}

/** A booking request's headers: a fresh idempotency key. */
export function fresh(): Record<string, string> {
  return { "idempotency-key": crypto.randomUUID() };
}
