import type { MiddlewareHandler } from "hono";
import { renameActiveSpan, tracing } from "../../shared/tracing/mod.ts";
import { routeOf } from "./route.ts";

/**
 * Names the request's server span by its route (`POST /v1/reservations/:id`) and sets
 * `http.route`. The span itself is Deno's: when tracing, `Deno.serve` starts one per request,
 * continuing the caller's `traceparent` (a malformed one starts a new trace), and every event
 * the request makes carries it on.
 */
export function traceRoute(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (!tracing) return;
    const route = routeOf(c);
    renameActiveSpan(`${c.req.method} ${route}`, { "http.route": route });
  };
}
