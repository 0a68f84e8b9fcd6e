/**
 * The catalogue's writes and reads: properties, their resources (rooms, units, seat maps),
 * inventory and price per date, and availability. Inventory is set under the same
 * (resource, date) locks a booking takes, and announced in the same transaction.
 */
import type { Sql } from "../db/mod.ts";
import type { ResourceKind } from "../booking/mod.ts";
import type { AvailabilityRow, InventoryRow, PropertyRow, ResourceRow } from "./queries.ts";
import { inTransaction, isPgError } from "../db/mod.ts";
import { Conflict, found, NotFound, ValidationFailed } from "../errors/mod.ts";
import { assertNotPast, datesIn, localDate, lockDates, sortForLocks } from "../booking/mod.ts";
import { makeEvent } from "../events/mod.ts";
import { uuidv7 } from "../ids/mod.ts";
import { appendToOutbox } from "../outbox/mod.ts";
import * as q from "./queries.ts";

/** The property `id`, or 404 `not_found`. */
export async function mustFindProperty(sql: Sql, id: string): Promise<PropertyRow> {
  return found(await q.findProperty(sql, id), `property ${id}`);
}

/** The resource `resourceId` of `propertyId`, or 404 `not_found`. */
export async function mustFindResource(
  sql: Sql,
  propertyId: string,
  resourceId: string,
): Promise<ResourceRow> {
  const [res] = await q.listResources(sql, propertyId, resourceId);
  return found(res, `resource ${resourceId} at property ${propertyId}`);
}

/** What a new property is made of; its cancellation policy defaults to 24 h free, then none. */
export interface NewProperty {
  id: string;
  name: string;
  timezone: string;
  currency: string;
  cancellationPolicy?: { freeCancelHours?: number; lateRefundPercent?: number };
}

/** Adds a property: 409 `conflict` when its id is taken. */
export async function createProperty(sql: Sql, p: NewProperty): Promise<PropertyRow> {
  try {
    return await q.insertProperty(sql, {
      id: p.id,
      name: p.name,
      timezone: p.timezone,
      currency: p.currency,
      free_cancel_hours: p.cancellationPolicy?.freeCancelHours ?? 24,
      late_refund_percent: p.cancellationPolicy?.lateRefundPercent ?? 0,
    });
  } catch (err) {
    if (isPgError(err, "23505")) throw new Conflict(`property ${p.id} exists already`);
    throw err;
  }
}

/** What a new resource is made of: a `seat` resource names its seats. */
export interface NewResource {
  id: string;
  name: string;
  kind: ResourceKind;
  seats?: string[];
}

/**
 * Adds a resource (and its seat map) to an existing property: 404 without the property, 409
 * `conflict` when the id is taken.
 */
export async function createResource(
  sql: Sql,
  propertyId: string,
  r: NewResource,
): Promise<ResourceRow> {
  await mustFindProperty(sql, propertyId);
  try {
    await inTransaction(sql, (tx) => q.insertResource(tx, { ...r, propertyId }));
  } catch (err) {
    if (isPgError(err, "23505")) throw new Conflict(`resource ${r.id} exists already`);
    throw err;
  }
  return await mustFindResource(sql, propertyId, r.id);
}

/** Capacity (counted kinds only) and base price for each date of [from, to). */
export interface InventorySetting {
  from: string;
  to: string;
  total?: number;
  price: number;
}

/** What a PUT of inventory sets on one date, as `inventorySettings` reads it. */
export type SettingRow = { date: string; total: number; price: number };

/**
 * Sets capacity and price of a resource for [from, to) and announces `inventory.updated`, all
 * under the dates' locks. `assertCurrent` sees the settings as they stood under those locks
 * (for an `If-Match`) and may refuse by throwing. Refused: a past `from` (400 `date_in_past`),
 * a total for a seat resource or none for dates without inventory (400), a total below what is
 * held and sold (409 `inventory_below_booked`). Returns the rows as they are now, by date.
 */
export async function setInventory(
  sql: Sql,
  at: { propertyId: string; resourceId: string },
  s: InventorySetting,
  ctx: {
    now: Date;
    correlationId: string;
    assertCurrent: (before: SettingRow[]) => void;
  },
): Promise<InventoryRow[]> {
  const { propertyId, resourceId } = at;
  const [[res], property] = await Promise.all([
    q.listResources(sql, propertyId, resourceId),
    q.findProperty(sql, propertyId),
  ]);
  if (!res || !property) throw new NotFound(`no resource ${resourceId} at property ${propertyId}`);
  // A date already past at the property can never be sold: setting it is a mistake.
  assertNotPast([{ path: "from", from: s.from }], localDate(ctx.now, property.timezone));
  if (res.kind === "seat" && s.total !== undefined) {
    throw new ValidationFailed("the inventory is not valid", [
      { path: "total", message: "a seat resource's capacity is its seat map" },
    ]);
  }
  const total = res.kind === "seat" ? (res.seats?.length ?? 0) : (s.total ?? null);
  const dates = datesIn(s.from, s.to);
  const rows = await inTransaction(sql, async (tx) => {
    await lockDates(tx, sortForLocks(dates.map((date) => ({ resourceId, date }))));
    // Under the locks every writer of total and price takes: atomic with the write.
    ctx.assertCurrent(await q.inventorySettings(tx, resourceId, s.from, s.to));
    if (total !== null) {
      const over = await q.overbookedBy(tx, resourceId, dates, total);
      if (over.length) {
        throw new Conflict(
          `${over[0].taken} already held or sold on ${over[0].date}; total cannot go below it`,
          "inventory_below_booked",
        );
      }
    }
    const rows = await q.upsertInventory(tx, resourceId, dates, total, s.price);
    if (rows.length < dates.length) {
      throw new ValidationFailed("the inventory is not valid", [
        { path: "total", message: "needed for dates that have no inventory yet" },
      ]);
    }
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
      }, { correlationId: ctx.correlationId, now: ctx.now, id: uuidv7(ctx.now.getTime()) }),
    ]);
    return rows;
  });
  return rows.sort((a, b) => (a.date < b.date ? -1 : 1));
}

/** One resource's dates in an availability answer. */
export interface ResourceAvailability {
  resourceId: string;
  name: string;
  kind: ResourceKind;
  dates: AvailabilityRow[];
}

/**
 * A property's availability in [from, to), per resource (one when `resourceId` is given) and
 * date: 404 when the property or the resource is missing.
 */
export async function availability(
  sql: Sql,
  query: { propertyId: string; from: string; to: string; resourceId?: string },
): Promise<{ property: PropertyRow; resources: ResourceAvailability[] }> {
  const { propertyId, from, to, resourceId } = query;
  const property = await mustFindProperty(sql, propertyId);
  const rows = await q.availability(sql, propertyId, from, to, resourceId);
  if (resourceId && rows.length === 0) await mustFindResource(sql, propertyId, resourceId);
  const resources = new Map<string, ResourceAvailability>();
  for (const r of rows) {
    let entry = resources.get(r.resource_id);
    if (!entry) {
      entry = { resourceId: r.resource_id, name: r.name, kind: r.kind, dates: [] };
      resources.set(r.resource_id, entry);
    }
    entry.dates.push(r);
  }
  return { property, resources: [...resources.values()] };
}
