import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "../http/env.ts";
import { apiModule } from "../http/openapi.ts";
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
      const { status, limit } = c.req.valid("query");
      const p = c.var.principal;
      const rows = await userReservations(c.var.deps.sql, userId, {
        limit,
        status,
        apiKeyId: p.role === "admin" ? undefined : p.keyId,
      });
      return c.json({
        userId,
        items: rows.map((r) => ({
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
