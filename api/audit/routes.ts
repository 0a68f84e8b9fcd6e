import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "../http/env.ts";
import { apiModule } from "../http/openapi.ts";
import { auditEntries } from "./queries.ts";
import * as op from "./contract.ts";

/** `GET /v1/audit?reservationId=&propertyId=` (admin): the hash-chained audit entries. */
export function auditRoutes(): OpenAPIHono<Env> {
  return apiModule().openapi(
    op.auditLog,
    async (c) => {
      const rows = await auditEntries(c.var.deps.sql, c.req.valid("query"));
      return c.json({
        items: rows.map((r) => ({
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
