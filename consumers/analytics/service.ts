import type { Sql } from "../../shared/db/db.ts";
import type { EventType } from "../../shared/events/catalogue.ts";
import type { Envelope } from "../../shared/events/envelope.ts";
import { defineService, type EventOf } from "../runtime/mod.ts";
import { leadDays, type Night, nightsOf, utcDay } from "./nights.ts";

/** The events the KPIs are computed from. */
export const analyticsEvents = [
  "inventory.updated",
  "reservation.created",
  "reservation.confirmed",
  "reservation.modified",
  "reservation.cancelled",
  "reservation.expired",
  "reservation.failed",
  "payment.authorized",
  "payment.failed",
] as const satisfies readonly EventType[];

type AnalyticsEvent = EventOf<(typeof analyticsEvents)[number]>;

async function insertNights(tx: Sql, reservationId: string, propertyId: string, nights: Night[]) {
  if (nights.length === 0) return;
  await tx`
    insert into kpi_nights (reservation_id, resource_id, date, property_id, quantity, price)
    select ${reservationId}::uuid, r, d, ${propertyId}, q, p
    from unnest(${nights.map((n) => n.resourceId)}::text[], ${nights.map((n) => n.date)}::date[],
      ${nights.map((n) => n.quantity)}::int[], ${
    nights.map((n) => n.price)
  }::bigint[]) as x(r, d, q, p)`;
}

async function count(
  tx: Sql,
  propertyId: string,
  day: string,
  c: {
    bookings?: number;
    cancellations?: number;
    authorized?: number;
    failed?: number;
    lead?: number;
  },
) {
  await tx`
    insert into kpi_daily as k (property_id, day, bookings, cancellations, payments_authorized,
      payments_failed, lead_days_sum)
    values (${propertyId}, ${day}, ${c.bookings ?? 0}, ${c.cancellations ?? 0},
      ${c.authorized ?? 0}, ${c.failed ?? 0}, ${c.lead ?? 0})
    on conflict (property_id, day) do update set
      bookings = k.bookings + excluded.bookings,
      cancellations = k.cancellations + excluded.cancellations,
      payments_authorized = k.payments_authorized + excluded.payments_authorized,
      payments_failed = k.payments_failed + excluded.payments_failed,
      lead_days_sum = k.lead_days_sum + excluded.lead_days_sum`;
}

async function setStatus(tx: Sql, reservationId: string, status: "sold" | "released") {
  await tx`update kpi_reservations set status = ${status} where reservation_id = ${reservationId}`;
}

/**
 * Applies one event to the KPI tables (unqualified: the caller sets the search path,
 * `analytics` live, `analytics_rebuild` during a replay).
 */
export async function applyAnalytics(tx: Sql, e: Envelope): Promise<void> {
  const event = e as AnalyticsEvent;
  const day = utcDay(event.occurredAt);
  const pid = event.propertyId;
  switch (event.type) {
    case "inventory.updated": {
      const { resourceId, dates } = event.data;
      await tx`
        insert into kpi_capacity as c (resource_id, date, property_id, total)
        select ${resourceId}, d, ${pid}, t
        from unnest(${dates.map((d) => d.date)}::date[], ${
        dates.map((d) => d.total)
      }::int[]) as x(d, t)
        on conflict (resource_id, date) do update set total = excluded.total`;
      return;
    }
    case "reservation.created": {
      const d = event.data;
      await tx`
        insert into kpi_reservations (reservation_id, property_id, status, booked_on)
        values (${d.reservationId}, ${pid}, 'pending', ${day})`;
      await insertNights(tx, d.reservationId, pid, nightsOf(d.items, d.rates));
      await count(tx, pid, day, { bookings: 1, lead: leadDays(day, d.items) });
      return;
    }
    case "reservation.modified": {
      const d = event.data;
      await tx`delete from kpi_nights where reservation_id = ${d.reservationId}`;
      await insertNights(tx, d.reservationId, pid, nightsOf(d.items, d.rates));
      return;
    }
    case "reservation.confirmed":
      return await setStatus(tx, event.data.reservationId, "sold");
    case "reservation.cancelled":
      await setStatus(tx, event.data.reservationId, "released");
      return await count(tx, pid, day, { cancellations: 1 });
    case "reservation.expired":
    case "reservation.failed":
      return await setStatus(tx, event.data.reservationId, "released");
    case "payment.authorized":
      return await count(tx, pid, day, { authorized: 1 });
    case "payment.failed":
      return await count(tx, pid, day, { failed: 1 });
  }
}

/** Analytics: the tables behind the per-property, per-day KPIs. */
export const analytics = defineService({
  name: "analytics",
  events: analyticsEvents,
  async handle(tx, event) {
    await tx`select set_config('search_path', 'analytics, public', true)`;
    await applyAnalytics(tx, event);
  },
});
