import { Hono } from "hono";
import type { Env } from "../http/env.ts";

async function check(what: () => Promise<unknown>, ms = 1500): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      what(),
      new Promise((_, rej) =>
        timer = setTimeout(() => rej(new Error(`no answer in ${ms} ms`)), ms)
      ),
    ]);
    return "ok";
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    clearTimeout(timer);
  }
}

/** `/health` (process up), `/ready` (Postgres and NATS reachable), `/metrics` (Prometheus). */
export function healthRoutes(): Hono<Env> {
  return new Hono<Env>()
    .get("/health", (c) => c.json({ status: "ok" }))
    .get("/ready", async (c) => {
      const { sql, nc } = c.var.deps;
      const [postgres, nats] = await Promise.all([
        check(() => sql`select 1`),
        nc
          ? check(() => nc.isClosed() ? Promise.reject(new Error("closed")) : nc.flush())
          : "not configured",
      ]);
      const checks = { postgres, nats };
      if (postgres === "ok" && nats === "ok") return c.json({ status: "ready", checks });
      const reasons = Object.entries(checks).filter(([, v]) => v !== "ok").map(([k, v]) =>
        `${k}: ${v}`
      );
      return c.body(
        JSON.stringify({
          type: "https://berth.dev/problems/not_ready",
          title: "Service Unavailable",
          status: 503,
          detail: reasons.join("; "),
          code: "not_ready",
          checks,
        }),
        503,
        { "content-type": "application/problem+json" },
      );
    })
    .get("/metrics", async (c) =>
      c.body(await c.var.deps.registry.render(), 200, {
        "content-type": "text/plain; version=0.0.4; charset=utf-8",
      }));
}
