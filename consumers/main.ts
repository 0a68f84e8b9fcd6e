/**
 * The workers process: the outbox relay, the hold-expiry sweeper, every consumer service and
 * the daily snapshots of the projections. Composition root for everything that is not HTTP.
 */
import { loadConfigOrExit } from "../shared/config/mod.ts";
import { connectDb } from "../shared/db/mod.ts";
import { connectNats } from "../shared/nats/mod.ts";
import { configureLog, log } from "../shared/log/mod.ts";
import { reportTracing } from "../shared/tracing/mod.ts";
import { signingKeysOrExit } from "../shared/events/mod.ts";
import { runRelay } from "../shared/outbox/mod.ts";
import type { Service } from "./runtime/mod.ts";
import { Members, runService } from "./runtime/mod.ts";
import { consumingServices, projections } from "./roster.ts";
import { uuidv7 } from "../shared/ids/mod.ts";
import { runSweeper } from "../shared/booking/mod.ts";
import {
  GuardedProvider,
  payments,
  PaymentSimulator,
  paymentsService,
  runSettlement,
} from "./payments/mod.ts";
import { reservations, reservationsService } from "./reservations/mod.ts";
import { runNotificationDispatcher } from "./notifications/mod.ts";
import { runSnapshots } from "./projections/mod.ts";
import {
  consumerMetrics,
  paymentMetrics,
  Registry,
  relayMetrics,
  reservationMetrics,
  serveRegistry,
  sweeperMetrics,
} from "../shared/metrics/mod.ts";

const config = loadConfigOrExit();
configureLog({ level: config.LOG_LEVEL, service: "workers" });
reportTracing(config.OTEL_EXPORTER_OTLP_ENDPOINT);
// Every event this process writes is signed with it (shared/events/keys.ts).
await signingKeysOrExit();
const registry = new Registry();
const sql = connectDb(config.DATABASE_URL, { max: config.BERTH_PG_POOL, appName: "berth-workers" });
// The payment saga: the simulator behind a timeout and a circuit breaker (docs/payments.md). It
// stands for an outside party: its own small pool, so it never waits behind the workers' pool,
// whose connections the payments handlers hold while they call it.
const simulatorSql = connectDb(config.DATABASE_URL, { max: 4, appName: "berth-payment-simulator" });
const provider = new GuardedProvider(new PaymentSimulator(simulatorSql), {
  timeoutMs: config.BERTH_PAYMENT_TIMEOUT_MS,
}, paymentMetrics(registry));
// Every consuming service of the roster (consumers/roster.ts): the roster holds the services
// themselves, but for those that need dependencies, which are built with them here.
const built = new Map<string, Service>([
  [payments.name, paymentsService({ provider })],
  [reservations.name, reservationsService({ metrics: reservationMetrics(registry) })],
]);
const services = consumingServices.map((s) => built.get(s.name) ?? s as Service);
// This process's metrics, every series from start-up; under `up` the hub reads them from the
// socket and sums them with every other process's (shared/metrics/hub.ts).
const metrics = {
  consumers: consumerMetrics(registry, services.map((s) => s.name)),
  relay: relayMetrics(registry),
  sweeper: sweeperMetrics(registry),
};
if (config.BERTH_METRICS_SOCKET) serveRegistry(registry, config.BERTH_METRICS_SOCKET);

// One NATS connection per role, each signed in with its own key and rights (README,
// "Security"): the relay, the membership heartbeats, and every consuming service.
const connectAs = (role: string) =>
  connectNats(config.NATS_URL, `berth-workers-${role}`, {
    role,
    keys: config.BERTH_NATS_KEYS,
    ca: config.BERTH_NATS_CA,
  });
const [relayNc, membersNc, ...serviceNcs] = await Promise.all(
  ["relay", "workers", ...services.map((s) => s.name)].map(connectAs),
);
const stop = new AbortController();
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(sig, () => {
    stop.abort();
    // Handlers get time to commit; whatever is still open then is redelivered after a restart.
    setTimeout(() => {
      log.warn("workers did not stop within 8 s; exiting");
      Deno.exit(0);
    }, 8000);
  });
}

log.info("workers starting");
// The workers processes share the partitions of every consumer among those alive (members.ts).
// Only the consumers wait for the first round of members; the relay and the loops start at once.
const members = new Members({ id: `workers-${Deno.pid}-${uuidv7()}` });
const joined = members.join(membersNc, stop.signal);
await Promise.all([
  runRelay({ sql, nc: relayNc, signal: stop.signal, metrics: metrics.relay }),
  ...services.map(async (service, i) => {
    await joined;
    await runService({
      sql,
      nc: serviceNcs[i],
      service,
      members,
      signal: stop.signal,
      metrics: metrics.consumers,
    });
  }),
  runSweeper({
    sql,
    signal: stop.signal,
    intervalMs: config.BERTH_SWEEP_INTERVAL_MS,
    metrics: metrics.sweeper,
  }),
  runSettlement({ sql, signal: stop.signal }),
  runNotificationDispatcher({ sql, config, signal: stop.signal }),
  // A rebuild starts from the latest snapshot once events age out of the streams (7 days).
  runSnapshots({ sql, projections: Object.values(projections), signal: stop.signal }),
]);
await Promise.all([relayNc, membersNc, ...serviceNcs].map((nc) => nc.drain().catch(() => {})));
await sql.end({ timeout: 5 });
await simulatorSql.end({ timeout: 5 });
log.info("workers stopped");
Deno.exit(0);
