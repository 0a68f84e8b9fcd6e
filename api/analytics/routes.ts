import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "../http/mod.ts";
import { apiModule } from "../http/mod.ts";
import { NotFound } from "../../shared/errors/mod.ts";
import { kpis, propertyCurrency } from "./queries.ts";
import * as op from "./contract.ts";

const num = (s: string | null) => (s === null ? null : Number(s));

/** `GET /v1/properties/:propertyId/kpis?from=&to=` (admin): KPIs per day, from the projection. */
export function analyticsRoutes(): OpenAPIHono<Env> {
  return apiModule().openapi(
    op.propertyKpis,
    async (c) => {
      const { propertyId } = c.req.valid("param");
      const { from, to } = c.req.valid("query");
      const { sql } = c.var.deps;
      const currency = await propertyCurrency(sql, propertyId);
      if (!currency) throw new NotFound(`no property ${propertyId}`);
      const rows = await kpis(sql, propertyId, from, to);
      return c.json({
        propertyId,
        currency,
        from,
        to,
        days: rows.map((r) => ({
          date: r.date,
          bookings: r.bookings,
          cancellations: r.cancellations,
          unitsSold: Number(r.sold),
          unitsAvailable: Number(r.available),
          revenue: Number(r.revenue),
          occupancyPercent: num(r.occupancy),
          adr: num(r.adr),
          revpar: num(r.revpar),
          paymentSuccessRatePercent: num(r.payment_success),
          averageLeadTimeDays: num(r.lead_time),
        })),
      }, 200);
    },
  );
}
