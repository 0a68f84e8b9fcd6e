import type { Sql } from "../../shared/db/mod.ts";
import type { Envelope } from "../../shared/events/mod.ts";
import { eventTypesOf } from "../../shared/events/mod.ts";
import type { BatchContext, EventOf } from "../runtime/mod.ts";
import { defineService } from "../runtime/mod.ts";
import type { Night, Occupancy, RatesState } from "./state.ts";
import { dynamicPrice } from "./pricing.ts";
import { needsOf, nightKey } from "../../shared/booking/mod.ts";
import * as q from "./queries.ts";

/** Capacity and the events that take or give back units: occupancy moves the price. */
const rateEvents = eventTypesOf(["inventory", "reservation"], [
  // Move no unit as rates count them: a confirmed stay keeps its units, and a change waiting
  // for its payment counts once made (`reservation.modified`).
  "reservation.confirmed",
  "reservation.checked_in",
  "reservation.checked_out",
  "reservation.modification_requested",
  "reservation.modification_declined",
]);
type RateEvent = EventOf<(typeof rateEvents)[number]>;

/**
 * Recomputes the price of one (resource, date) from its occupancy and rules; when it differs
 * from the price last published, publishes `rate.updated` and records it in the history.
 */
function reprice(s: RatesState, cause: Envelope, key: string, ctx: BatchContext) {
  const o = s.occupancy.get(key);
  if (!o || o.total === null || o.base === null || o.price === null) return;
  const price = dynamicPrice(o.base, o.taken, o.total, s.rules.get(o.resourceId) ?? null);
  if (price === o.price) return;
  const occupancy = o.total > 0 ? Math.min(1, Math.max(0, o.taken / o.total)) : 0;
  const event = ctx.emit(cause, "rate.updated", {
    resourceId: o.resourceId,
    date: o.date,
    price,
    previousPrice: o.price,
    occupancy,
  });
  s.history.push({
    property_id: event.propertyId,
    resource_id: o.resourceId,
    date: o.date,
    price,
    previous_price: o.price,
    occupancy,
    event_id: event.id,
    changed_at: event.occurredAt,
  });
  o.price = price;
}

/** Adds (or with -1 takes away) units of nights; returns the keys touched, in key order. */
function addTaken(s: RatesState, propertyId: string, nights: Night[], sign: 1 | -1): string[] {
  for (const n of nights) {
    const key = nightKey(n.resourceId, n.date);
    const o: Occupancy = s.occupancy.get(key) ?? {
      resourceId: n.resourceId,
      date: n.date,
      propertyId,
      total: null,
      taken: 0,
      base: null,
      price: null,
    };
    o.taken += sign * n.quantity;
    s.occupancy.set(key, o);
  }
  return nights.map((n) => nightKey(n.resourceId, n.date)).sort();
}

/** Applies one event to the batch's state, in memory. */
function apply(s: RatesState, event: RateEvent, ctx: BatchContext) {
  const pid = event.propertyId;
  switch (event.type) {
    case "inventory.updated": {
      const { resourceId, dates } = event.data;
      for (const d of [...dates].sort((a, b) => a.date.localeCompare(b.date))) {
        const key = nightKey(resourceId, d.date);
        const o = s.occupancy.get(key);
        s.occupancy.set(key, {
          resourceId,
          date: d.date,
          propertyId: pid,
          total: d.total,
          taken: o?.taken ?? 0,
          base: d.price,
          price: d.price,
        });
        reprice(s, event, key, ctx);
      }
      return;
    }
    case "reservation.created":
    case "reservation.modified": {
      const d = event.data;
      const old = s.nights.get(d.reservationId) ?? [];
      const released = event.type === "reservation.modified" ? addTaken(s, pid, old, -1) : [];
      const nights = needsOf(d.items);
      const taken = addTaken(s, pid, nights, 1);
      s.nights.set(d.reservationId, nights);
      s.changedNights.add(d.reservationId);
      for (const r of d.rates) {
        s.applied.set(`${d.reservationId}\u0000${nightKey(r.resourceId, r.date)}`, {
          reservation_id: d.reservationId,
          resource_id: r.resourceId,
          date: r.date,
          property_id: pid,
          price: r.price,
          applied_at: event.occurredAt,
        });
      }
      for (const key of [...new Set([...released, ...taken])].sort()) {
        reprice(s, event, key, ctx);
      }
      return;
    }
    default: {
      const id = event.data.reservationId;
      const released = addTaken(s, pid, s.nights.get(id) ?? [], -1);
      s.nights.set(id, []);
      s.changedNights.add(id);
      for (const key of released) reprice(s, event, key, ctx);
    }
  }
}

/**
 * Dynamic rates: keeps occupancy per (resource, date) from capacity and reservation events,
 * publishes `rate.updated` when a date's price changes with it, and records the rate each
 * reservation was booked at in `rates.applied` (from the event's `rates`: no further event
 * repeats them, which spares every booking an event per night). A batch reads the occupancy, rules and reservation nights it
 * touches with one statement each, applies its events in order in memory, and writes each
 * table with one statement.
 */
export const rates = defineService({
  name: "rates",
  events: rateEvents,
  // Occupancy rows are written from two streams (inventory, reservations): take turns per property.
  lockProperties: true,
  async handleBatch(tx: Sql, events: RateEvent[], ctx) {
    const s = await q.readState(tx, events);
    for (const event of events) apply(s, event, ctx);
    await q.writeState(tx, s);
  },
});
