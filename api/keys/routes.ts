import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "../http/mod.ts";
import { apiModule, pageOf, positionOf } from "../http/mod.ts";
import { NotFound } from "../../shared/errors/mod.ts";
import { uuidv7 } from "../../shared/ids/mod.ts";
import { hashKey, newKey } from "./keys.ts";
import type { ApiKeyRow } from "./queries.ts";
import { insertKey, listKeys, revokeKey } from "./queries.ts";
import * as op from "./contract.ts";

/** `/v1/api-keys`: admins create, list and revoke keys. The secret is shown once, at creation. */
export function keyRoutes(): OpenAPIHono<Env> {
  return apiModule()
    .openapi(op.createKey, async (c) => {
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
    .openapi(op.listKeys, async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const after = positionOf(cursor, op.keyParam.shape.id);
      const rows = await listKeys(c.var.deps.sql, { after, limit: limit + 1 });
      return c.json(pageOf(c, rows, limit, (r) => ({ at: r.cursor_at, id: r.id }), toJson), 200);
    })
    .openapi(op.revokeKey, async (c) => {
      const row = await revokeKey(c.var.deps.sql, c.req.valid("param").id);
      if (!row) throw new NotFound("no such API key");
      c.var.deps.forgetKeys();
      return c.json(toJson(row), 200);
    });
}

function toJson(r: ApiKeyRow) {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    createdAt: new Date(r.created_at).toISOString(),
    revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
  };
}
