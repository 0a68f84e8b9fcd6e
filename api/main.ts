/**
 * The api process, run by `deno serve --parallel api/main.ts` (one instance per core).
 * Composition root: config, Postgres pool, NATS connection, then the app.
 */
import { loadConfigOrExit } from "../shared/config/config.ts";
import { connectDb } from "../shared/db/db.ts";
import { connectNats } from "../shared/nats/nats.ts";
import { configureLog, log } from "../shared/log/log.ts";
import { Gauge, Registry } from "../shared/metrics/metrics.ts";
import { jetstreamManager } from "@nats-io/jetstream";
import { registerLagMetrics } from "../shared/nats/lag.ts";
import { outboxBacklog } from "../shared/outbox/mod.ts";
import { createApp } from "./app.ts";
import { keyResolver } from "./gateway/auth.ts";
import { findActiveKey } from "./keys/mod.ts";

const config = loadConfigOrExit();
configureLog({ level: config.LOG_LEVEL, service: "api" });

const sql = connectDb(config.DATABASE_URL, { max: config.BERTH_PG_POOL, appName: "berth-api" });
const nc = await connectNats(config.NATS_URL, "berth-api").catch((err) => {
  log.warn("NATS unreachable at start; bookings still work through the outbox", { err });
  return null;
});
const registry = new Registry();
if (nc) registerLagMetrics(registry, await jetstreamManager(nc));
const backlog = registry.add(new Gauge("berth_outbox_backlog", "Outbox events not yet published"));
const backlogAge = registry.add(
  new Gauge("berth_outbox_oldest_seconds", "Age of the oldest unpublished outbox event"),
);
registry.onCollect(async () => {
  const b = await outboxBacklog(sql);
  backlog.set({}, b.events);
  backlogAge.set({}, b.oldestSeconds);
});
const keys = keyResolver((h) => findActiveKey(sql, h), config.BERTH_ADMIN_KEY);
const app = createApp(
  { sql, nc, config, registry, now: () => new Date(), forgetKeys: keys.forget },
  keys.resolve,
);
log.info("api ready", { port: config.BERTH_PORT });

// deno serve stops accepting on SIGTERM but would wait forever on the open NATS connection.
for (const sig of ["SIGTERM", "SIGINT"] as const) {
  Deno.addSignalListener(sig, () => {
    Promise.allSettled([nc?.close(), sql.end({ timeout: 2 })]).finally(() => Deno.exit(0));
  });
}

export default { fetch: app.fetch } satisfies Deno.ServeDefaultExport;
