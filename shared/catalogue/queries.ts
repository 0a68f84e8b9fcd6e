/** SQL of the catalogue: properties, resources, seats, inventory and availability. */
import type { PageOpts, Sql } from "../db/mod.ts";

export interface PropertyRow {
  id: string;
  name: string;
  timezone: string;
  currency: string;
  free_cancel_hours: number;
  late_refund_percent: number;
  created_at: Date;
}

export async function insertProperty(sql: Sql, p: Omit<PropertyRow, "created_at">) {
  const [row] = await sql<PropertyRow[]>`
    insert into properties ${
    sql(p, "id", "name", "timezone", "currency", "free_cancel_hours", "late_refund_percent")
  }
    returning *`;
  return row;
}

export async function findProperty(sql: Sql, id: string): Promise<PropertyRow | null> {
  const [row] = await sql<PropertyRow[]>`select * from properties where id = ${id}`;
  return row ?? null;
}

/** Properties, oldest first. */
export async function listProperties(
  sql: Sql,
  page: PageOpts,
): Promise<(PropertyRow & { cursor_at: string })[]> {
  return await sql<(PropertyRow & { cursor_at: string })[]>`
    select *, cursor_at(created_at) from properties
    where ${
    page.after
      ? sql`(created_at, id) > (${page.after.at}::text::timestamptz, ${page.after.id})`
      : sql`true`
  }
    order by created_at, id limit ${page.limit}`;
}

export interface ResourceRow {
  id: string;
  property_id: string;
  name: string;
  kind: "room" | "unit" | "seat";
  seats: string[] | null;
  created_at: Date;
  cursor_at: string;
}

export async function insertResource(
  sql: Sql,
  r: { id: string; propertyId: string; name: string; kind: string; seats?: string[] },
) {
  await sql`insert into resources (id, property_id, name, kind)
    values (${r.id}, ${r.propertyId}, ${r.name}, ${r.kind})`;
  if (r.seats?.length) {
    await sql`insert into seats (resource_id, seat) select ${r.id}, s from unnest(${r.seats}::text[]) s`;
  }
}

/** A property's resources, oldest first: one (`id`), or a page of them. */
export async function listResources(
  sql: Sql,
  propertyId: string,
  id?: string,
  page?: PageOpts,
): Promise<ResourceRow[]> {
  const after = page?.after;
  return await sql<ResourceRow[]>`
    select r.*, (select array_agg(seat order by seat) from seats s where s.resource_id = r.id) as seats,
      cursor_at(r.created_at)
    from resources r
    where r.property_id = ${propertyId} ${id ? sql`and r.id = ${id}` : sql``}
      ${
    after ? sql`and (r.created_at, r.id) > (${after.at}::text::timestamptz, ${after.id})` : sql``
  }
    order by r.created_at, r.id ${page ? sql`limit ${page.limit}` : sql``}`;
}

/** Postgres returns `bigint` prices as strings; every price stays below 2^53 (MAX_PRICE). */
function withPrices<T extends { price: number | string }>(rows: T[]): T[] {
  return rows.map((r) => ({ ...r, price: Number(r.price) }));
}

export interface InventoryRow {
  resource_id: string;
  date: string;
  total: number;
  held: number;
  sold: number;
  price: number;
}

/**
 * Sets total (when given) and price for each date in `dates`; dates without a row need a total.
 * Returns the rows as they are now.
 */
export async function upsertInventory(
  tx: Sql,
  resourceId: string,
  dates: string[],
  total: number | null,
  price: number,
): Promise<InventoryRow[]> {
  if (total === null) {
    return withPrices(
      await tx<InventoryRow[]>`
      update inventory set price = ${price}
      where resource_id = ${resourceId} and date = any(${dates}::date[])
      returning resource_id, date::text, total, held, sold, price`,
    );
  }
  return withPrices(
    await tx<InventoryRow[]>`
    insert into inventory (resource_id, date, total, price)
    select ${resourceId}, d, ${total}, ${price} from unnest(${dates}::date[]) d
    on conflict (resource_id, date) do update set total = excluded.total, price = excluded.price
    returning resource_id, date::text, total, held, sold, price`,
  );
}

/** What a PUT of inventory sets, per date of [from, to) that has inventory, by date. */
export async function inventorySettings(
  sql: Sql,
  resourceId: string,
  from: string,
  to: string,
): Promise<{ date: string; total: number; price: number }[]> {
  const rows = await sql<{ date: string; total: number; price: string }[]>`
    select date::text, total, price::text from inventory
    where resource_id = ${resourceId} and date >= ${from}::date and date < ${to}::date
    order by date`;
  return rows.map((r) => ({ date: r.date, total: r.total, price: Number(r.price) }));
}

/** Dates among `dates` where total would fall below what is held and sold. */
export async function overbookedBy(tx: Sql, resourceId: string, dates: string[], total: number) {
  return await tx<{ date: string; taken: number }[]>`
    select date::text, held + sold as taken from inventory
    where resource_id = ${resourceId} and date = any(${dates}::date[]) and held + sold > ${total}
    order by date`;
}

export interface AvailabilityRow extends InventoryRow {
  name: string;
  kind: "room" | "unit" | "seat";
  free_seats: string[] | null;
}

/** Per resource and date in [from, to): capacity, what is free, the price, free seats. */
export async function availability(
  sql: Sql,
  propertyId: string,
  from: string,
  to: string,
  resourceId?: string,
): Promise<AvailabilityRow[]> {
  return withPrices(
    await sql<AvailabilityRow[]>`
    select r.id as resource_id, r.name, r.kind, i.date::text, i.total, i.held, i.sold,
      i.price,
      case when r.kind = 'seat' then (
        select coalesce(array_agg(s.seat order by s.seat), '{}') from seats s
        where s.resource_id = r.id and not exists (
          select 1 from seat_holds h where h.resource_id = r.id and h.date = i.date and h.seat = s.seat)
      ) end as free_seats
    from resources r
    join inventory i on i.resource_id = r.id and i.date >= ${from} and i.date < ${to}
    where r.property_id = ${propertyId} ${resourceId ? sql`and r.id = ${resourceId}` : sql``}
    order by r.created_at, r.id, i.date`,
  );
}
