/**
 * A booking's lines checked against the catalogue: each resource's kind and seat map (kept per
 * pool, since resources never change once created) and the property's calendar.
 */
import type { Sql } from "../db/mod.ts";
import { ValidationFailed } from "../errors/mod.ts";
import type { Item, ItemRequest } from "./domain.ts";
import { assertNotPast, localDate, resolveItems } from "./domain.ts";
import * as q from "./queries.ts";

/**
 * Resources and their seat maps never change once created (berth has no update or delete for
 * them), so each pool keeps those it has seen. Ids not found are not remembered.
 */
const seen = new WeakMap<Sql, Map<string, { row: q.ResourceRow; seats?: Set<string> }>>();

async function resourcesOf(sql: Sql, ids: string[]) {
  let cache = seen.get(sql);
  if (!cache) seen.set(sql, cache = new Map());
  const missing = ids.filter((id) => !cache.has(id));
  if (missing.length) {
    const rows = await q.resourcesById(sql, missing);
    const seatIds = rows.filter((r) => r.kind === "seat").map((r) => r.id);
    const seatMaps = seatIds.length ? await q.seatMaps(sql, seatIds) : new Map();
    if (cache.size > 100_000) cache.clear();
    for (const row of rows) {
      cache.set(row.id, {
        row,
        seats: row.kind === "seat" ? new Set(seatMaps.get(row.id)) : undefined,
      });
    }
  }
  return new Map(ids.flatMap((id) => (cache.has(id) ? [[id, cache.get(id)!] as const] : [])));
}

/**
 * Checks lines against their resources (400 `validation_failed`) and against the property's
 * calendar: a line starting before today there (at `now`) is 400 `date_in_past`.
 */
export async function resolve(
  sql: Sql,
  propertyId: string,
  requests: ItemRequest[],
  maxQuantity: number,
  now: Date,
): Promise<{ items: Item[]; currency: string; timezone: string }> {
  const known = await resourcesOf(sql, [...new Set(requests.map((r) => r.resourceId))]);
  const kinds = new Map(
    [...known].map(([id, k]) => [id, { kind: k.row.kind, propertyId: k.row.property_id }]),
  );
  const items = resolveItems(requests, kinds, propertyId, maxQuantity);
  const seatErrors = items.flatMap((it, i) => {
    const unknown = (it.seats ?? []).filter((seat) => !known.get(it.resourceId)!.seats!.has(seat));
    return unknown.length
      ? [{ path: `items.${i}.seats`, message: `no such seat: ${unknown.join(", ")}` }]
      : [];
  });
  if (seatErrors.length) throw new ValidationFailed("the booking is not valid", seatErrors);
  const { currency, timezone } = known.get(items[0].resourceId)!.row;
  assertNotPast(
    items.map((it, i) => ({ path: `items.${i}.from`, from: it.from })),
    localDate(now, timezone),
  );
  return { items, currency, timezone };
}
