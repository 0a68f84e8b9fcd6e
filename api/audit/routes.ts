import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "../http/mod.ts";
import { z } from "zod";
import { apiModule, pageOf, positionOf } from "../http/mod.ts";
import { auditEntries } from "./queries.ts";
import * as op from "./contract.ts";

/** `GET /v1/audit?reservationId=&propertyId=` (admin): the hash-chained audit entries. */
export function auditRoutes(): OpenAPIHono<Env> {
  return apiModule().openapi(
    op.auditLog,
    async (c) => {
      const { cursor, limit, ...filter } = c.req.valid("query");
      const after = positionOf(cursor, z.string().regex(/^\d{1,18}$/));
      const rows = await auditEntries(c.var.deps.sql, { ...filter, after, limit: limit + 1 });
      const position = (r: (typeof rows)[number]) => ({ at: r.cursor_at, id: r.id });
      return c.json({
        ...pageOf(c, rows, limit, position, (r) => ({
          id: Number(r.id),
          chain: r.chain,
          position: r.position,
          eventId: r.event_id,
          type: r.event_type,
          propertyId: r.property_id,
          reservationId: r.reservation_id,
          occurredAt: new Date(r.occurred_at).toISOString(),
          event: JSON.parse(r.event),
          eventHash: r.event_hash,
          prevHash: r.prev_hash,
          hash: r.hash,
        })),
      }, 200);
    },
  );
}
