import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { Env } from "../http/mod.ts";
import { apiModule, pageOf, positionOf } from "../http/mod.ts";
import { mustFindProperty } from "../../shared/catalogue/mod.ts";
import type { ReservationFilter, Status } from "../../shared/booking/mod.ts";
import { addDays, localDate, searchReservations, viewOf } from "../../shared/booking/mod.ts";
import type * as s from "./schemas.ts";
import * as op from "./contract.ts";

/**
 * The filter a search query asks for, `today` read as `today` (at the property). `staying` is
 * a stay overlapping that one night, narrowed further by `from` and `to` when given.
 */
function filterOf(
  q: z.infer<typeof s.searchQuery>,
  propertyId: string,
  today: string,
  apiKeyId: string | undefined,
): ReservationFilter {
  const day = (d: string | undefined) => (d === "today" ? today : d);
  const staying = day(q.staying);
  const later = (a?: string, b?: string) => (a && b ? (a > b ? a : b) : a ?? b);
  const earlier = (a?: string, b?: string) => (a && b ? (a < b ? a : b) : a ?? b);
  return {
    propertyId,
    statuses: q.status?.split(",") as Status[] | undefined,
    from: later(q.from, staying),
    to: earlier(q.to, staying && addDays(staying, 1)),
    arrival: day(q.arrival),
    departure: day(q.departure),
    confirmationNumber: q.confirmationNumber?.toUpperCase(),
    email: q.email,
    updatedSince: q.updatedSince ? new Date(q.updatedSince) : undefined,
    apiKeyId,
  };
}

/**
 * `GET /v1/properties/:propertyId/reservations`: the desk's search of a property's reservations,
 * oldest booking first, a page at a time (`limit`, `cursor`). A client key finds only the
 * reservations it made.
 */
export function reservationSearchRoutes(): OpenAPIHono<Env> {
  return apiModule().openapi(
    op.searchReservations,
    async (c) => {
      const { propertyId } = c.req.valid("param");
      const query = c.req.valid("query");
      const { sql, now } = c.var.deps;
      const after = positionOf(query.cursor, z.uuid());
      const property = await mustFindProperty(sql, propertyId);
      const p = c.var.principal;
      const today = localDate(now(), property.timezone);
      const filter = filterOf(query, propertyId, today, p.role === "admin" ? undefined : p.keyId);
      const found = await searchReservations(sql, filter, { after, limit: query.limit + 1 });
      return c.json({
        propertyId,
        ...pageOf(c, found, query.limit, (f) => f.position, (f) => viewOf(f.state)),
      }, 200);
    },
  );
}
