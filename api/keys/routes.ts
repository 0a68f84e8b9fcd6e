import { Hono } from "hono";
import { z } from "zod";
import type { Env } from "../http/env.ts";
import { validate } from "../http/validate.ts";
import { pageOf, pageQuery, positionOf } from "../http/cursor.ts";
import { NotFound } from "../../shared/errors/errors.ts";
import { uuidv7 } from "../../shared/ids/uuid.ts";
import { hashKey, newKey } from "./keys.ts";
import { insertKey, listKeys, revokeKey } from "./queries.ts";
import { requireRole } from "../gateway/auth.ts";

export const createKeyBody = z.object({
  name: z.string().trim().min(1).max(200),
  role: z.enum(["admin", "client"]),
}).strict();

/** `/v1/api-keys`: admins create, list and revoke keys. The secret is shown once, at creation. */
export function keyRoutes(): Hono<Env> {
  return new Hono<Env>()
    .use(requireRole("admin"))
    .post("/", validate("json", createKeyBody), async (c) => {
      const body = c.req.valid("json");
      const key = newKey();
      const row = await insertKey(c.var.deps.sql, {
        id: uuidv7(),
        name: body.name,
        role: body.role,
        keyHash: hashKey(key),
      });
      return c.json({ ...toJson(row), key }, 201);
    })
    .get("/", validate("query", pageQuery), async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const after = positionOf(cursor, z.string().min(1).max(64));
      const rows = await listKeys(c.var.deps.sql, { after, limit: limit + 1 });
      return c.json(pageOf(c, rows, limit, (r) => ({ at: r.cursor_at, id: r.id }), toJson));
    })
    .delete("/:id", validate("param", z.object({ id: z.string().min(1).max(64) })), async (c) => {
      const row = await revokeKey(c.var.deps.sql, c.req.valid("param").id);
      if (!row) throw new NotFound("no such API key");
      c.var.deps.forgetKeys();
      return c.json(toJson(row));
    });
}

function toJson(
  r: { id: string; name: string; role: string; created_at: string; revoked_at: string | null },
) {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    createdAt: new Date(r.created_at).toISOString(),
    revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
  };
}
