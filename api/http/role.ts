import type { MiddlewareHandler } from "hono";
import type { Env } from "./env.ts";
import type { Role } from "../keys/mod.ts";
import { Forbidden } from "../../shared/errors/mod.ts";

/** Only principals of this role (admins pass every check). */
export function requireRole(role: Role): MiddlewareHandler<Env> {
  return async (c, next) => {
    const p = c.var.principal;
    if (p.role !== "admin" && p.role !== role) throw new Forbidden(`this needs an ${role} key`);
    await next();
  };
}
