import type { MiddlewareHandler } from "hono";
import { Counter, Histogram, type Registry } from "../../shared/metrics/metrics.ts";
import { log } from "../../shared/log/log.ts";
import { routeOf } from "./route.ts";

/** Counts requests by route and status and times them; logs one line per request. */
export function observe(registry: Registry): MiddlewareHandler {
  const requests = registry.add(
    new Counter("berth_http_requests_total", "HTTP requests by method, route and status"),
  );
  const duration = registry.add(
    new Histogram("berth_http_request_duration_seconds", "HTTP request duration by route"),
  );
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
