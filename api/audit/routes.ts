import { Hono } from "hono";
import { z } from "zod";
import type { Env } from "../http/env.ts";
import { validate } from "../http/validate.ts";
import { cursorParam, pageOf, positionOf } from "../http/cursor.ts";
import { requireRole } from "../gateway/auth.ts";
import { propertyIdPattern } from "../../shared/events/catalogue.ts";
import { auditEntries } from "./queries.ts";

export const auditQuery = z.object({
  reservationId: z.uuid().optional(),
  propertyId: z.string().regex(propertyIdPattern).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  cursor: cursorParam.optional(),
}).strict();

/** `GET /audit?reservationId=&propertyId=` (admin): the hash-chained audit entries. */
export function auditRoutes(): Hono<Env> {
  return new Hono<Env>().get(
    "/",
    requireRole("admin"),
    validate("query", auditQuery),
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
      });
    },
  );
}
