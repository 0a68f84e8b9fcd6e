import type { MiddlewareHandler } from "hono";
import type { Env } from "../http/mod.ts";
import { ApiError } from "../http/mod.ts";

/**
 * A token bucket per API key and instance: `perSecond` requests a second with bursts of the
 * same size. 0 turns it off. 429 `rate_limited` with Retry-After when empty.
 */
export function rateLimit(perSecond: number): MiddlewareHandler<Env> {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return async (c, next) => {
    if (perSecond <= 0) return await next();
    const id = c.var.principal.keyId;
    const now = performance.now();
    const b = buckets.get(id) ?? { tokens: perSecond, at: now };
    b.tokens = Math.min(perSecond, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    buckets.set(id, b);
    if (b.tokens < 1) {
      c.header("Retry-After", String(Math.ceil((1 - b.tokens) / perSecond)));
      throw new ApiError(429, "rate_limited", `more than ${perSecond} requests a second`);
    }
    b.tokens -= 1;
    await next();
  };
}
