import type { Sql } from "../../shared/db/mod.ts";
import { eventTypesOf } from "../../shared/events/mod.ts";
import type { Envelope } from "../../shared/events/mod.ts";
import { nightKey } from "../../shared/booking/mod.ts";
import type { EventOf } from "../runtime/mod.ts";
import { defineService } from "../runtime/mod.ts";
import type { Night } from "./nights.ts";
import { leadDays, nightsOf, utcDay } from "./nights.ts";

/** The events the KPIs are computed from. */
export const analyticsEvents = eventTypesOf(["inventory", "reservation", "payment"], [
  // Neither moves units nor answers a payment: a stay's course and a pending modification.
  "reservation.checked_in",
  "reservation.checked_out",
  "reservation.modification_requested",
  "reservation.modification_declined",
  // Money moved after the payment answered: no KPI reads it.
  "payment.captured",
  "payment.refunded",
  "payment.settled",
]);

type AnalyticsEvent = EventOf<(typeof analyticsEvents)[number]>;

/** KPI counters of one property and day. */
interface Counts {
  bookings: number;
  cancellations: number;
  authorized: number;
  failed: number;
  lead: number;
}

/**
 * Applies events to the KPI tables, in order, with one statement per table: reservations
 * booked, their nights (a modification replaces them), the inventory state each reservation
 * ends in, capacity, and the daily counters summed per (property, day). Rows are written in
 * key order, so two batches never take their row locks in opposite orders. Unqualified table
 * names: the caller sets the search path (`analytics` live, `analytics_rebuild` in a replay).
 */
export async function applyAnalytics(tx: Sql, ...events: Envelope[]): Promise<void> {
  const booked = new Map<string, { property: string; day: string }>();
  const nights = new Map<string, { property: string; nights: Night[] }>();
  const status = new Map<string, "sold" | "released">();
  const capacity = new Map<string, { r: string; d: string; p: string; total: number }>();
  const counts = new Map<string, Counts>();
  const count = (property: string, day: string, c: Partial<Counts>) => {
    const k = `${property}\u0000${day}`;
    const cur = counts.get(k) ??
      { bookings: 0, cancellations: 0, authorized: 0, failed: 0, lead: 0 };
    for (const [f, v] of Object.entries(c)) cur[f as keyof Counts] += v;
    counts.set(k, cur);
  };
  for (const e of events as AnalyticsEvent[]) {
    const day = utcDay(e.occurredAt);
    const pid = e.propertyId;
    switch (e.type) {
      case "inventory.updated":
        for (const d of e.data.dates) {
          capacity.set(nightKey(e.data.resourceId, d.date), {
            r: e.data.resourceId,
            d: d.date,
            p: pid,
            total: d.total,
          });
        }
        break;
      case "reservation.created":
        booked.set(e.data.reservationId, { property: pid, day });
        nights.set(e.data.reservationId, {
          property: pid,
          nights: nightsOf(e.data.items, e.data.rates),
        });
        count(pid, day, { bookings: 1, lead: leadDays(day, e.data.items) });
        break;
      case "reservation.modified":
        nights.set(e.data.reservationId, {
          property: pid,
          nights: nightsOf(e.data.items, e.data.rates),
        });
        break;
      case "reservation.confirmed":
        status.set(e.data.reservationId, "sold");
        break;
      case "reservation.cancelled":
        status.set(e.data.reservationId, "released");
        count(pid, day, { cancellations: 1 });
        break;
      case "reservation.expired":
      case "reservation.failed":
        status.set(e.data.reservationId, "released");
        break;
      case "payment.authorized":
        count(pid, day, { authorized: 1 });
        break;
      case "payment.failed":
        count(pid, day, { failed: 1 });
        break;
    }
  }
  const sorted = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (booked.size) {
    const b = sorted(booked);
    await tx`
      insert into kpi_reservations (reservation_id, property_id, status, booked_on)
      select id, p, 'pending', d
      from unnest(${b.map(([id]) => id)}::uuid[], ${b.map(([, v]) => v.property)}::text[],
        ${b.map(([, v]) => v.day)}::date[]) as x(id, p, d)`;
  }
  if (nights.size) {
    const n = sorted(nights).flatMap(([id, v]) =>
      v.nights.map((x) => ({ id, p: v.property, ...x }))
    );
    await tx`delete from kpi_nights where reservation_id = any(${[...nights.keys()]}::uuid[])`;
    await tx`
      insert into kpi_nights (reservation_id, resource_id, date, property_id, quantity, price)
      select * from unnest(${n.map((x) => x.id)}::uuid[], ${n.map((x) => x.resourceId)}::text[],
        ${n.map((x) => x.date)}::date[], ${n.map((x) => x.p)}::text[],
        ${n.map((x) => x.quantity)}::int[], ${n.map((x) => x.price)}::bigint[])`;
  }
  if (status.size) {
    const s = sorted(status);
    await tx`
      update kpi_reservations k set status = x.s
      from unnest(${s.map(([id]) => id)}::uuid[], ${s.map(([, v]) => v)}::text[]) as x(id, s)
      where k.reservation_id = x.id`;
  }
  if (capacity.size) {
    const c = sorted(capacity).map(([, v]) => v);
    await tx`
      insert into kpi_capacity as k (resource_id, date, property_id, total)
      select * from unnest(${c.map((x) => x.r)}::text[], ${c.map((x) => x.d)}::date[],
        ${c.map((x) => x.p)}::text[], ${c.map((x) => x.total)}::int[])
      on conflict (resource_id, date) do update set total = excluded.total`;
  }
  if (counts.size) {
    const c = sorted(counts).map(([k, v]) => ({ k: k.split("\u0000"), ...v }));
    await tx`
      insert into kpi_daily as k (property_id, day, bookings, cancellations,
        payments_authorized, payments_failed, lead_days_sum)
      select * from unnest(${c.map((x) => x.k[0])}::text[], ${c.map((x) => x.k[1])}::date[],
        ${c.map((x) => x.bookings)}::int[], ${c.map((x) => x.cancellations)}::int[],
        ${c.map((x) => x.authorized)}::int[], ${c.map((x) => x.failed)}::int[],
        ${c.map((x) => x.lead)}::bigint[])
      on conflict (property_id, day) do update set
        bookings = k.bookings + excluded.bookings,
        cancellations = k.cancellations + excluded.cancellations,
        payments_authorized = k.payments_authorized + excluded.payments_authorized,
        payments_failed = k.payments_failed + excluded.payments_failed,
        lead_days_sum = k.lead_days_sum + excluded.lead_days_sum`;
  }
}

/** Analytics: the tables behind the per-property, per-day KPIs. */
export const analytics = defineService({
  name: "analytics",
  events: analyticsEvents,
  async handleBatch(tx, events) {
    await tx`select set_config('search_path', 'analytics, public', true)`;
    await applyAnalytics(tx, ...events);
  },
});
