import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "../http/mod.ts";
import { z } from "zod";
import { apiModule, pageOf, positionOf } from "../http/mod.ts";
import { userReservations } from "./queries.ts";
import * as op from "./contract.ts";

/**
 * `GET /v1/users/:userId/reservations`: the booking history projection. Admin keys see every
 * reservation of the user; client keys only those they made.
 */
export function historyRoutes(): OpenAPIHono<Env> {
  return apiModule().openapi(
    op.userReservations,
    async (c) => {
      const { userId } = c.req.valid("param");
      const { status, limit, cursor } = c.req.valid("query");
      const after = positionOf(cursor, z.uuid());
      const p = c.var.principal;
      const rows = await userReservations(c.var.deps.sql, userId, {
        after,
        limit: limit + 1,
        status,
        apiKeyId: p.role === "admin" ? undefined : p.keyId,
      });
      const position = (r: (typeof rows)[number]) => ({ at: r.cursor_at, id: r.reservation_id });
      return c.json({
        userId,
        ...pageOf(c, rows, limit, position, (r) => ({
          id: r.reservation_id,
          propertyId: r.property_id,
          confirmationNumber: r.confirmation_number,
          status: r.status,
          from: r.date_from,
          to: r.date_to,
          total: Number(r.total),
          currency: r.currency.trim(),
          items: r.items,
          bookedAt: new Date(r.booked_at).toISOString(),
          updatedAt: new Date(r.updated_at).toISOString(),
        })),
      }, 200);
    },
  );
}
