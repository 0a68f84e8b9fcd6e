import type { MiddlewareHandler } from "hono";
import type { Registry, RouteOf } from "../../shared/metrics/mod.ts";
import { httpMetrics } from "../../shared/metrics/mod.ts";
import { log } from "../../shared/log/mod.ts";
import { routeOf } from "./route.ts";

/**
 * Counts requests by route and status and times them; logs one line per request. `routes`
 * (the documented operations) have their series from start-up, at 0.
 */
export function observe(registry: Registry, routes: readonly RouteOf[] = []): MiddlewareHandler {
  const { requests, duration } = httpMetrics(registry, routes);
  return async (c, next) => {
    const start = performance.now();
    await next();
    const seconds = (performance.now() - start) / 1000;
    const route = routeOf(c);
    const labels = { method: c.req.method, route, status: String(c.res.status) };
    requests.inc(labels);
    duration.observe({ method: c.req.method, route }, seconds);
    log.debug("request", { ...labels, path: c.req.path, ms: Math.round(seconds * 1000) });
  };
}
