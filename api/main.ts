/**
 * One api process: `deno run -A --unstable-net api/main.ts`. `./berth up` starts one per core,
 * all listening on BERTH_HOST:BERTH_PORT with SO_REUSEPORT (Linux spreads the connections), so
 * each process keeps one V8 heap of its own.
 * Composition root: config, Postgres pool, NATS connection, the app, then the server.
 */
import { loadConfigOrExit } from "../shared/config/mod.ts";
import { connectDb } from "../shared/db/mod.ts";
import { connectNats } from "../shared/nats/mod.ts";
import { configureLog, log } from "../shared/log/mod.ts";
import { reportTracing } from "../shared/tracing/mod.ts";
import { signingKeysOrExit } from "../shared/events/mod.ts";
import { Registry, serveRegistry } from "../shared/metrics/mod.ts";
import { createApp, statementTimeoutMs } from "./app.ts";
import { SoldOutCache } from "../shared/booking/mod.ts";
import { keyResolver } from "./gateway/mod.ts";
import { findActiveKey } from "./keys/mod.ts";

const config = loadConfigOrExit();
configureLog({ level: config.LOG_LEVEL, service: "api" });
reportTracing(config.OTEL_EXPORTER_OTLP_ENDPOINT);
// Every event this process writes is signed with it (shared/events/keys.ts).
await signingKeysOrExit();

const sql = connectDb(config.DATABASE_URL, {
  max: config.BERTH_PG_POOL,
  appName: "berth-api",
  statementTimeoutMs: statementTimeoutMs(config.BERTH_REQUEST_TIMEOUT_MS),
});
const nc = await connectNats(config.NATS_URL, "berth-api", {
  role: "api",
  keys: config.BERTH_NATS_KEYS,
  ca: config.BERTH_NATS_CA,
}).catch((err) => {
  log.warn("NATS unreachable at start; bookings still work through the outbox", { err });
  return null;
});
// This process's metrics; under `up` the hub reads them from the socket and sums them with every
// other process's (shared/metrics/hub.ts).
const registry = new Registry();
if (config.BERTH_METRICS_SOCKET) serveRegistry(registry, config.BERTH_METRICS_SOCKET);
const keys = keyResolver((h) => findActiveKey(sql, h), config.BERTH_ADMIN_KEY);
const app = createApp(
  {
    sql,
    nc,
    config,
    registry,
    now: () => new Date(),
    forgetKeys: keys.forget,
    soldOut: config.BERTH_SOLD_OUT_CACHE_MS > 0
      ? new SoldOutCache(config.BERTH_SOLD_OUT_CACHE_MS)
      : undefined,
  },
  keys.resolve,
);
const server = Deno.serve({
  hostname: config.BERTH_HOST,
  port: config.BERTH_PORT,
  reusePort: true,
  onListen: () => log.info("api ready", { port: config.BERTH_PORT, pid: Deno.pid }),
}, app.fetch);

// Stop accepting, let requests in flight finish (2 s at most), close NATS and Postgres, exit:
// the open NATS connection alone would keep the process alive.
for (const sig of ["SIGTERM", "SIGINT"] as const) {
  Deno.addSignalListener(sig, () => {
    const drained = Promise.race([server.shutdown(), new Promise((r) => setTimeout(r, 2_000))]);
    drained
      .then(() => Promise.allSettled([nc?.close(), sql.end({ timeout: 2 })]))
      .finally(() => Deno.exit(0));
  });
}
