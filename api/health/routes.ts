import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "../http/mod.ts";
import { apiModule } from "../http/mod.ts";
import * as op from "./contract.ts";
import type { PlatformMetrics } from "../../shared/metrics/mod.ts";
import { scrape } from "./scrape.ts";

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
      const text = await scrape(c.var.deps, platform);
      return c.text(text, 200, { "content-type": c.var.deps.registry.contentType });
    });
}
