/** The rates service's SQL: one read and one write per table for a whole batch. */
import type { Sql } from "../../shared/db/mod.ts";
import type { Envelope } from "../../shared/events/mod.ts";
import type { RateRules } from "./pricing.ts";
import { needsOf, nightKey } from "../../shared/booking/mod.ts";
import type { Night, RatesState } from "./state.ts";

type Keyed = { resourceId: string; date: string };

/**
 * Reads what a batch of events touches: the nights of the reservations it changes, the
 * occupancy of every (resource, date) those and the events name, and the rules of their
 * resources.
 */
export async function readState(tx: Sql, events: Envelope[]): Promise<RatesState> {
  const reservations = new Set<string>();
  const keys: Keyed[] = [];
  for (const e of events) {
    const d = e.data as {
      reservationId?: string;
      resourceId?: string;
      items?: { resourceId: string; from: string; to: string; quantity: number }[];
      dates?: { date: string }[];
    };
    if (d.reservationId) reservations.add(d.reservationId);
    if (d.items) keys.push(...needsOf(d.items));
    if (d.dates && d.resourceId) {
      keys.push(...d.dates.map((x) => ({ resourceId: d.resourceId!, date: x.date })));
    }
  }
  const ids = [...reservations];
  const booked = await tx<
    { reservation_id: string; resource_id: string; date: string; quantity: number }[]
  >`
    select reservation_id, resource_id, date::text, quantity from rates.reservation_nights
    where reservation_id = any(${ids}::uuid[]) order by reservation_id, resource_id, date`;
  const nights = new Map<string, Night[]>();
  for (const b of booked) {
    const list = nights.get(b.reservation_id) ?? [];
    list.push({ resourceId: b.resource_id, date: b.date, quantity: b.quantity });
    nights.set(b.reservation_id, list);
    keys.push({ resourceId: b.resource_id, date: b.date });
  }
  const unique = [...new Map(keys.map((k) => [nightKey(k.resourceId, k.date), k])).values()];
  const resources = [...new Set(unique.map((k) => k.resourceId))];
  const [occupancy, rules] = await Promise.all([
    tx<
      {
        resource_id: string;
        date: string;
        property_id: string;
        total: number | null;
        taken: number;
        base: string | null;
        price: string | null;
      }[]
    >`
      select o.resource_id, o.date::text, o.property_id, o.total, o.taken,
        o.base_price::text as base, o.price::text as price
      from rates.occupancy o
      join unnest(${unique.map((k) => k.resourceId)}::text[], ${unique.map((k) => k.date)}::date[])
        as k(r, d) on o.resource_id = k.r and o.date = k.d`,
    tx<{ resource_id: string; rules: RateRules }[]>`
      select resource_id, json_build_object('tiers', tiers, 'floor', floor, 'ceiling', ceiling)
        as rules
      from rates.rules where resource_id = any(${resources}::text[])`,
  ]);
  return {
    occupancy: new Map(occupancy.map((o) => [nightKey(o.resource_id, o.date), {
      resourceId: o.resource_id,
      date: o.date,
      propertyId: o.property_id,
      total: o.total,
      taken: o.taken,
      base: o.base === null ? null : Number(o.base),
      price: o.price === null ? null : Number(o.price),
    }])),
    rules: new Map(rules.map((r) => [r.resource_id, r.rules])),
    nights,
    changedNights: new Set(),
    applied: new Map(),
    history: [],
  };
}

/** Writes a batch's state back: occupancy, reservation nights, applied rates, history. */
export async function writeState(tx: Sql, s: RatesState): Promise<void> {
  const occ = [...s.occupancy.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, o]) => o);
  if (occ.length) {
    await tx`
      insert into rates.occupancy as o (resource_id, date, property_id, total, taken, base_price,
        price)
      select * from unnest(${occ.map((o) => o.resourceId)}::text[], ${
      occ.map((o) => o.date)
    }::date[],
        ${occ.map((o) => o.propertyId)}::text[], ${occ.map((o) => o.total)}::int[],
        ${occ.map((o) => o.taken)}::int[], ${occ.map((o) => o.base)}::bigint[],
        ${occ.map((o) => o.price)}::bigint[])
      on conflict (resource_id, date) do update set total = excluded.total,
        taken = excluded.taken, base_price = excluded.base_price, price = excluded.price`;
  }
  const changed = [...s.changedNights].sort();
  if (changed.length) {
    await tx`delete from rates.reservation_nights where reservation_id = any(${changed}::uuid[])`;
    const rows = changed.flatMap((id) => (s.nights.get(id) ?? []).map((n) => ({ id, ...n })));
    if (rows.length) {
      await tx`
        insert into rates.reservation_nights (reservation_id, resource_id, date, quantity)
        select * from unnest(${rows.map((r) => r.id)}::uuid[], ${
        rows.map((r) => r.resourceId)
      }::text[],
          ${rows.map((r) => r.date)}::date[], ${rows.map((r) => r.quantity)}::int[])`;
    }
  }
  const applied = [...s.applied.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, a]) => a);
  if (applied.length) {
    await tx`
      insert into rates.applied ${tx(applied)}
      on conflict (reservation_id, resource_id, date) do update
        set price = excluded.price, applied_at = excluded.applied_at`;
  }
  if (s.history.length) await tx`insert into rates.rate_history ${tx(s.history)}`;
}
