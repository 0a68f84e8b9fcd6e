/** The rates service's tables (rates.*) as the api reads and writes them. */
import type { Sql } from "../../shared/db/mod.ts";

/** Tiers in basis points, as the rates service reads them. */
export interface StoredRules {
  tiers: { occupancyBps: number; multiplierBps: number }[];
  floor: number;
  ceiling: number;
}

/** True when the resource exists at the property (the engine's catalogue). */
export async function resourceExists(sql: Sql, propertyId: string, resourceId: string) {
  const rows = await sql`
    select 1 from resources where id = ${resourceId} and property_id = ${propertyId}`;
  return rows.length > 0;
}

/** Creates or replaces a resource's rules. */
export async function putRules(sql: Sql, propertyId: string, resourceId: string, r: StoredRules) {
  await sql`
    insert into rates.rules (resource_id, property_id, tiers, floor, ceiling, updated_at)
    values (${resourceId}, ${propertyId}, ${sql.json(r.tiers)}, ${r.floor}, ${r.ceiling}, now())
    on conflict (resource_id) do update set tiers = excluded.tiers, floor = excluded.floor,
      ceiling = excluded.ceiling, updated_at = now()`;
}

/** A resource's rules, or null. */
export async function getRules(sql: Sql, resourceId: string): Promise<StoredRules | null> {
  const [row] = await sql<StoredRules[]>`
    select tiers, floor::float8 as floor, ceiling::float8 as ceiling
    from rates.rules where resource_id = ${resourceId}`;
  return row ?? null;
}

/** Current price, base price and occupancy per date as the rates service sees them. */
export async function currentRates(sql: Sql, resourceId: string, from: string, to: string) {
  return await sql<
    {
      date: string;
      total: number | null;
      taken: number;
      base: string | null;
      price: string | null;
    }[]
  >`
    select date, total, taken, base_price::text as base, price::text as price
    from rates.occupancy
    where resource_id = ${resourceId} and date >= ${from} and date < ${to}
    order by date`;
}

/** Every published price change for dates in `[from, to)`, oldest first. */
export async function rateChanges(sql: Sql, resourceId: string, from: string, to: string) {
  return await sql<
    {
      date: string;
      price: string;
      previous_price: string;
      occupancy: string;
      event_id: string;
      changed_at: Date;
    }[]
  >`
    select date, price::text, previous_price::text, occupancy::text, event_id, changed_at
    from rates.rate_history
    where resource_id = ${resourceId} and date >= ${from} and date < ${to}
    order by id`;
}

/** The rates a reservation was booked at. */
export async function appliedRates(sql: Sql, reservationId: string) {
  return await sql<{ resource_id: string; date: string; price: string; applied_at: Date }[]>`
    select resource_id, date, price::text, applied_at from rates.applied
    where reservation_id = ${reservationId} order by resource_id, date`;
}
