import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "../http/env.ts";
import { apiModule } from "../http/openapi.ts";
import * as op from "./contract.ts";
import { type PlatformMetrics, readSocket, type Registry } from "../../shared/metrics/mod.ts";
import { DomainError } from "../../shared/errors/errors.ts";

/** How long /metrics waits for the hub, which waits up to a second for each process. */
const HUB_TIMEOUT_MS = 3000;

/** `what`'s result, or why it failed or did not answer within `ms`. */
async function attempt<T>(what: () => Promise<T>, ms: number): Promise<T | string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      what(),
      new Promise<never>((_, rej) =>
        timer = setTimeout(() => rej(new Error(`no answer in ${ms} ms`)), ms)
      ),
    ]);
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    clearTimeout(timer);
  }
}

/** "ok", or why `what` failed or did not answer within `ms`. */
const check = (what: () => Promise<unknown>, ms = 1500) =>
  attempt(async () => (await what(), "ok"), ms);

/**
 * Every process's metrics summed: the hub's answer when `up` runs one (BERTH_METRICS_HUB), else
 * this process's own. A hub that does not answer is a 503: this process's figures alone would
 * make the platform's counters jump.
 */
async function processMetrics(registry: Registry, hub: string | undefined): Promise<string> {
  if (!hub) return await registry.metrics();
  try {
    return await readSocket(hub, HUB_TIMEOUT_MS);
  } catch (err) {
    throw new DomainError(
      "metrics_unavailable",
      503,
      `the metrics hub did not answer: ${(err as Error).message}`,
      undefined,
      { cause: err },
    );
  }
}

/**
 * `/health` (the process is up: always 200, with NATS and the outbox backlog as details),
 * `/ready` (can take bookings: Postgres answers; NATS down only delays events, which wait in
 * the outbox), `/metrics` (Prometheus text: every api and workers process summed, and the
 * platform's gauges read from Postgres and JetStream; see docs/metrics.md).
 */
export function healthRoutes(platform: PlatformMetrics): OpenAPIHono<Env> {
  return apiModule()
    .openapi(op.health, async (c) => {
      const { sql, nc } = c.var.deps;
      const [nats, outbox] = await Promise.all([
        nc
          ? check(() => nc.isClosed() ? Promise.reject(new Error("closed")) : nc.flush(), 500)
          : "not configured",
        attempt(async () => {
          const [row] = await sql<{ unpublished: number; oldestSeconds: number }[]>`
            select count(*)::int as unpublished,
              coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as "oldestSeconds"
            from outbox where published_at is null`;
          return row;
        }, 500),
      ]);
      return c.json({ status: "ok" as const, nats, outbox }, 200);
    })
    .openapi(op.ready, async (c) => {
      const postgres = await check(() => c.var.deps.sql`select 1`);
      const checks = { postgres };
      if (postgres === "ok") return c.json({ status: "ready" as const, checks }, 200);
      return c.json(
        {
          type: "https://berth.dev/problems/not_ready",
          title: "Service Unavailable",
          status: 503,
          detail: `postgres: ${postgres}`,
          code: "not_ready" as const,
          checks,
        },
        503,
        { "content-type": "application/problem+json" },
      );
    })
    .openapi(op.metrics, async (c) => {
      const { registry, config } = c.var.deps;
      const [processes, shared] = await Promise.all([
        processMetrics(registry, config.BERTH_METRICS_HUB),
        platform.metrics(),
      ]);
      return c.text(`${processes}\n${shared}`, 200, { "content-type": registry.contentType });
    });
}
