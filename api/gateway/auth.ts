import type { MiddlewareHandler } from "hono";
import type { Env } from "../http/mod.ts";
import { Unauthorized } from "../../shared/errors/mod.ts";
import type { Principal, Role } from "../keys/mod.ts";
import { BOOTSTRAP_ADMIN_ID, hashKey } from "../keys/mod.ts";

/** How long a key lookup is trusted; a revocation takes effect on every instance within it. */
export const KEY_CACHE_MS = 5_000;

/** Resolves `Authorization: Bearer <key>` to a principal, caching lookups for KEY_CACHE_MS. */
export function keyResolver(
  lookup: (keyHash: string) => Promise<{ id: string; role: Role } | null>,
  adminKey: string | undefined,
) {
  const cache = new Map<string, { principal: Principal | null; until: number }>();
  const adminHash = adminKey ? hashKey(adminKey) : null;
  return {
    async resolve(key: string): Promise<Principal | null> {
      const h = hashKey(key);
      if (h === adminHash) return { keyId: BOOTSTRAP_ADMIN_ID, role: "admin" };
      const hit = cache.get(h);
      if (hit && hit.until > Date.now()) return hit.principal;
      const row = await lookup(h);
      const principal = row ? { keyId: row.id, role: row.role } : null;
      if (cache.size > 10_000) cache.clear();
      cache.set(h, { principal, until: Date.now() + KEY_CACHE_MS });
      return principal;
    },
    forget: () => cache.clear(),
  };
}

/** Requires a valid API key; sets `principal`. */
export function authenticate(
  resolve: (key: string) => Promise<Principal | null>,
): MiddlewareHandler<Env> {
  return async (c, next) => {
    const m = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
    if (!m) throw new Unauthorized();
    const principal = await resolve(m[1]);
    if (!principal) throw new Unauthorized("the API key is unknown or revoked");
    c.set("principal", principal);
    await next();
  };
}
