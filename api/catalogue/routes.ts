import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "../http/mod.ts";
import { apiModule, assertIfMatch, contentEtag, pageOf, positionOf } from "../http/mod.ts";
import type { InventoryRow, PropertyRow, ResourceRow } from "../../shared/catalogue/mod.ts";
import * as catalogue from "../../shared/catalogue/mod.ts";
import { prefixedId } from "../../shared/ids/mod.ts";
import * as s from "./schemas.ts";
import * as op from "./contract.ts";

function propertyJson(p: PropertyRow) {
  return {
    id: p.id,
    name: p.name,
    timezone: p.timezone,
    currency: p.currency.trim(),
    cancellationPolicy: {
      freeCancelHours: p.free_cancel_hours,
      lateRefundPercent: p.late_refund_percent,
    },
    createdAt: new Date(p.created_at).toISOString(),
  };
}

function resourceJson(r: ResourceRow) {
  return {
    id: r.id,
    propertyId: r.property_id,
    name: r.name,
    kind: r.kind,
    ...(r.kind === "seat" ? { seats: r.seats ?? [] } : {}),
    createdAt: new Date(r.created_at).toISOString(),
  };
}

const inventoryJson = (r: InventoryRow) => ({
  date: r.date,
  total: r.total,
  held: r.held,
  sold: r.sold,
  available: r.total - r.held - r.sold,
  price: r.price,
});

/**
 * The strong ETag of a range of inventory: a digest of what a PUT sets there (total and price
 * per date), so a booking (held, sold) does not change it and a PUT or a new rate does.
 */
const settingsTag = (rows: { date: string; total: number; price: number }[]) =>
  contentEtag(rows.map((r) => [r.date, r.total, r.price]));

/**
 * The catalogue: properties, their resources (rooms, units, seat maps), inventory and price per
 * date (admin), and availability (any key).
 */
export function catalogueRoutes(): OpenAPIHono<Env> {
  return apiModule()
    .openapi(op.createProperty, async (c) => {
      const b = c.req.valid("json");
      const row = await catalogue.createProperty(c.var.deps.sql, {
        ...b,
        id: b.id ?? prefixedId("p_"),
      });
      return c.json(propertyJson(row), 201);
    })
    .openapi(op.listProperties, async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const after = positionOf(cursor, s.id);
      const rows = await catalogue.listProperties(c.var.deps.sql, { after, limit: limit + 1 });
      const position = (r: (typeof rows)[number]) => ({ at: r.cursor_at, id: r.id });
      return c.json(pageOf(c, rows, limit, position, propertyJson), 200);
    })
    .openapi(op.getProperty, async (c) => {
      const { propertyId } = c.req.valid("param");
      return c.json(
        propertyJson(await catalogue.mustFindProperty(c.var.deps.sql, propertyId)),
        200,
      );
    })
    .openapi(op.createResource, async (c) => {
      const { propertyId } = c.req.valid("param");
      const b = c.req.valid("json");
      const row = await catalogue.createResource(c.var.deps.sql, propertyId, {
        ...b,
        id: b.id ?? prefixedId("r_"),
      });
      return c.json(resourceJson(row), 201);
    })
    .openapi(op.listResources, async (c) => {
      const { propertyId } = c.req.valid("param");
      const { limit, cursor } = c.req.valid("query");
      const after = positionOf(cursor, s.id);
      const { sql } = c.var.deps;
      await catalogue.mustFindProperty(sql, propertyId);
      const rows = await catalogue.listResources(sql, propertyId, undefined, {
        after,
        limit: limit + 1,
      });
      const position = (r: (typeof rows)[number]) => ({ at: r.cursor_at, id: r.id });
      return c.json(pageOf(c, rows, limit, position, resourceJson), 200);
    })
    .openapi(op.setInventory, async (c) => {
      const { propertyId, resourceId } = c.req.valid("param");
      const { sql, now } = c.var.deps;
      const rows = await catalogue.setInventory(
        sql,
        { propertyId, resourceId },
        c.req.valid("json"),
        {
          now: now(),
          correlationId: c.var.correlationId,
          assertCurrent: (before) =>
            assertIfMatch(c, settingsTag(before), "the inventory of these dates"),
        },
      );
      c.header("ETag", settingsTag(rows));
      return c.json({ propertyId, resourceId, dates: rows.map(inventoryJson) }, 200);
    })
    .openapi(op.getInventory, async (c) => {
      const { propertyId, resourceId } = c.req.valid("param");
      const { from, to } = c.req.valid("query");
      const { sql } = c.var.deps;
      await catalogue.mustFindResource(sql, propertyId, resourceId);
      const dates = await catalogue.inventorySettings(sql, resourceId, from, to);
      c.header("ETag", settingsTag(dates));
      return c.json({ propertyId, resourceId, from, to, dates }, 200);
    })
    .openapi(op.getAvailability, async (c) => {
      const query = c.req.valid("query");
      const { property, resources } = await catalogue.availability(c.var.deps.sql, query);
      return c.json({
        propertyId: query.propertyId,
        currency: property.currency.trim(),
        from: query.from,
        to: query.to,
        resources: resources.map((r) => ({
          ...r,
          dates: r.dates.map((d) => ({
            ...inventoryJson(d),
            ...(d.free_seats ? { freeSeats: d.free_seats } : {}),
          })),
        })),
      }, 200);
    });
}
