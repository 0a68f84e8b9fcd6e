import type { OpenAPIHono } from "@hono/zod-openapi";
import type { z } from "zod";
import type { Env } from "../http/mod.ts";
import { apiModule, assertIfMatch, contentEtag, pageOf, positionOf } from "../http/mod.ts";
import { Conflict, NotFound, ValidationFailed } from "../../shared/errors/mod.ts";
import { inTransaction, isPgError } from "../../shared/db/mod.ts";
import {
  assertNotPast,
  datesIn,
  localDate,
  lockDates,
  sortForLocks,
} from "../../shared/booking/mod.ts";
import { makeEvent } from "../../shared/events/mod.ts";
import { uuidv7 } from "../../shared/ids/mod.ts";
import { appendToOutbox } from "../../shared/outbox/mod.ts";
import * as s from "./schemas.ts";
import * as q from "./queries.ts";
import * as op from "./contract.ts";

/** A short random id with a prefix: subject-token safe. */
export function newId(prefix: string): string {
  const b = crypto.getRandomValues(new Uint8Array(9));
  return prefix + Array.from(b, (x) => (x % 36).toString(36)).join("");
}

function propertyJson(p: q.PropertyRow) {
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

function resourceJson(r: q.ResourceRow) {
  return {
    id: r.id,
    propertyId: r.property_id,
    name: r.name,
    kind: r.kind,
    ...(r.kind === "seat" ? { seats: r.seats ?? [] } : {}),
    createdAt: new Date(r.created_at).toISOString(),
  };
}

const inventoryJson = (r: q.InventoryRow) => ({
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

async function mustFindProperty(c: { var: Env["Variables"] }, id: string) {
  const p = await q.findProperty(c.var.deps.sql, id);
  if (!p) throw new NotFound(`no property ${id}`);
  return p;
}

/**
 * The catalogue: properties, their resources (rooms, units, seat maps), inventory and price per
 * date (admin), and availability (any key).
 */
export function catalogueRoutes(): OpenAPIHono<Env> {
  return apiModule()
    .openapi(op.createProperty, async (c) => {
      const b = c.req.valid("json");
      try {
        const row = await q.insertProperty(c.var.deps.sql, {
          id: b.id ?? newId("p_"),
          name: b.name,
          timezone: b.timezone,
          currency: b.currency,
          free_cancel_hours: b.cancellationPolicy?.freeCancelHours ?? 24,
          late_refund_percent: b.cancellationPolicy?.lateRefundPercent ?? 0,
        });
        return c.json(propertyJson(row), 201);
      } catch (err) {
        if (isPgError(err, "23505")) throw new Conflict(`property ${b.id} exists already`);
        throw err;
      }
    })
    .openapi(op.listProperties, async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const after = positionOf(cursor, s.id);
      const rows = await q.listProperties(c.var.deps.sql, { after, limit: limit + 1 });
      const position = (r: (typeof rows)[number]) => ({ at: r.cursor_at, id: r.id });
      return c.json(pageOf(c, rows, limit, position, propertyJson), 200);
    })
    .openapi(
      op.getProperty,
      async (c) =>
        c.json(propertyJson(await mustFindProperty(c, c.req.valid("param").propertyId)), 200),
    )
    .openapi(
      op.createResource,
      async (c) => {
        const { propertyId } = c.req.valid("param");
        const b = c.req.valid("json");
        await mustFindProperty(c, propertyId);
        const id = b.id ?? newId("r_");
        try {
          await inTransaction(
            c.var.deps.sql,
            (tx) =>
              q.insertResource(tx, { id, propertyId, name: b.name, kind: b.kind, seats: b.seats }),
          );
        } catch (err) {
          if (isPgError(err, "23505")) throw new Conflict(`resource ${id} exists already`);
          throw err;
        }
        const [row] = await q.listResources(c.var.deps.sql, propertyId, id);
        return c.json(resourceJson(row), 201);
      },
    )
    .openapi(op.listResources, async (c) => {
      const { propertyId } = c.req.valid("param");
      const { limit, cursor } = c.req.valid("query");
      const after = positionOf(cursor, s.id);
      await mustFindProperty(c, propertyId);
      const rows = await q.listResources(c.var.deps.sql, propertyId, undefined, {
        after,
        limit: limit + 1,
      });
      const position = (r: (typeof rows)[number]) => ({ at: r.cursor_at, id: r.id });
      return c.json(pageOf(c, rows, limit, position, resourceJson), 200);
    })
    .openapi(
      op.setInventory,
      async (c) => {
        const { propertyId, resourceId } = c.req.valid("param");
        const b = c.req.valid("json");
        const { sql, now } = c.var.deps;
        const [[res], property] = await Promise.all([
          q.listResources(sql, propertyId, resourceId),
          q.findProperty(sql, propertyId),
        ]);
        if (!res || !property) {
          throw new NotFound(`no resource ${resourceId} at property ${propertyId}`);
        }
        // A date already past at the property can never be sold: setting it is a mistake.
        assertNotPast([{ path: "from", from: b.from }], localDate(now(), property.timezone));
        if (res.kind === "seat" && b.total !== undefined) {
          throw new ValidationFailed("the inventory is not valid", [
            { path: "total", message: "a seat resource's capacity is its seat map" },
          ]);
        }
        const total = res.kind === "seat" ? (res.seats?.length ?? 0) : (b.total ?? null);
        const dates = datesIn(b.from, b.to);
        const rows = await inTransaction(sql, async (tx) => {
          await lockDates(tx, sortForLocks(dates.map((date) => ({ resourceId, date }))));
          // Under the locks every writer of total and price takes: atomic with the write.
          const before = await q.inventorySettings(tx, resourceId, b.from, b.to);
          assertIfMatch(c, settingsTag(before), "the inventory of these dates");
          if (total !== null) {
            const over = await q.overbookedBy(tx, resourceId, dates, total);
            if (over.length) {
              throw new Conflict(
                `${over[0].taken} already held or sold on ${
                  over[0].date
                }; total cannot go below it`,
                "inventory_below_booked",
              );
            }
          }
          const rows = await q.upsertInventory(tx, resourceId, dates, total, b.price);
          if (rows.length < dates.length) {
            throw new ValidationFailed("the inventory is not valid", [
              { path: "total", message: "needed for dates that have no inventory yet" },
            ]);
          }
          const at = now();
          await appendToOutbox(tx, [
            makeEvent("inventory.updated", propertyId, {
              resourceId,
              dates: rows.map((r) => ({
                date: r.date,
                total: r.total,
                held: r.held,
                sold: r.sold,
                price: r.price,
              })),
            }, { correlationId: c.var.correlationId, now: at, id: uuidv7(at.getTime()) }),
          ]);
          return rows;
        });
        rows.sort((a, b) => (a.date < b.date ? -1 : 1));
        c.header("ETag", settingsTag(rows));
        return c.json({ propertyId, resourceId, dates: rows.map(inventoryJson) }, 200);
      },
    )
    .openapi(op.getInventory, async (c) => {
      const { propertyId, resourceId } = c.req.valid("param");
      const { from, to } = c.req.valid("query");
      const { sql } = c.var.deps;
      const [res] = await q.listResources(sql, propertyId, resourceId);
      if (!res) throw new NotFound(`no resource ${resourceId} at property ${propertyId}`);
      const dates = await q.inventorySettings(sql, resourceId, from, to);
      c.header("ETag", settingsTag(dates));
      return c.json({ propertyId, resourceId, from, to, dates }, 200);
    })
    .openapi(op.getAvailability, async (c) => {
      const { propertyId, resourceId, from, to } = c.req.valid("query");
      const property = await mustFindProperty(c, propertyId);
      const rows = await q.availability(c.var.deps.sql, propertyId, from, to, resourceId);
      const resources = new Map<string, z.infer<typeof s.availability>["resources"][number]>();
      if (resourceId && rows.length === 0) {
        const [res] = await q.listResources(c.var.deps.sql, propertyId, resourceId);
        if (!res) throw new NotFound(`no resource ${resourceId} at property ${propertyId}`);
      }
      for (const r of rows) {
        let entry = resources.get(r.resource_id);
        if (!entry) {
          resources.set(
            r.resource_id,
            entry = {
              resourceId: r.resource_id,
              name: r.name,
              kind: r.kind,
              dates: [],
            },
          );
        }
        entry.dates.push({
          ...inventoryJson(r),
          ...(r.free_seats ? { freeSeats: r.free_seats } : {}),
        });
      }
      return c.json({
        propertyId,
        currency: property.currency.trim(),
        from,
        to,
        resources: [...resources.values()],
      }, 200);
    });
}
