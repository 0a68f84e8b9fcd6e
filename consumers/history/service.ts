import type { Sql } from "../../shared/db/mod.ts";
import { eventTypesOf } from "../../shared/events/mod.ts";
import type { Envelope } from "../../shared/events/mod.ts";
import type { EventOf } from "../runtime/mod.ts";
import { defineService } from "../runtime/mod.ts";

/** The reservation events the history projects. */
export const historyEvents = eventTypesOf(["reservation"], [
  // A modification waiting for its payment changes nothing the history shows until it is made
  // (`reservation.modified`).
  "reservation.modification_requested",
  "reservation.modification_declined",
]);

type HistoryEvent = EventOf<(typeof historyEvents)[number]>;

const statusAfter: Record<string, string> = {
  "reservation.confirmed": "confirmed",
  "reservation.cancelled": "cancelled",
  "reservation.expired": "expired",
  "reservation.failed": "failed",
  "reservation.checked_in": "checked_in",
  "reservation.checked_out": "checked_out",
};

function span(items: { from: string; to: string }[]) {
  return {
    from: items.map((i) => i.from).reduce((a, b) => (a < b ? a : b)),
    to: items.map((i) => i.to).reduce((a, b) => (a > b ? a : b)),
  };
}

interface Booked {
  reservation_id: string;
  property_id: string;
  user_id: string;
  confirmation_number: string;
  items: string;
  date_from: string;
  date_to: string;
  total: number;
  currency: string;
  at: string;
}

/**
 * Applies reservation events to `user_reservations`, in order, with one statement per kind of
 * change: new reservations, their latest lines and dates (a modification), their latest status.
 * Unqualified: the caller sets the search path (`history` live, `history_rebuild` in a replay).
 */
export async function applyHistory(tx: Sql, ...events: Envelope[]): Promise<void> {
  const created = new Map<string, Booked>();
  const modified = new Map<
    string,
    Omit<Booked, "property_id" | "user_id" | "confirmation_number" | "currency">
  >();
  const statuses = new Map<string, { status: string; at: string }>();
  for (const event of events as HistoryEvent[]) {
    const at = event.occurredAt;
    if (event.type === "reservation.created" || event.type === "reservation.modified") {
      const d = event.data;
      const row = {
        reservation_id: d.reservationId,
        items: JSON.stringify(d.items),
        date_from: span(d.items).from,
        date_to: span(d.items).to,
        total: d.total,
        at,
      };
      if (event.type === "reservation.created") {
        created.set(d.reservationId, {
          ...row,
          property_id: event.propertyId,
          user_id: d.userId,
          confirmation_number: d.confirmationNumber,
          currency: d.currency,
        });
      } else modified.set(d.reservationId, row);
    } else {
      statuses.set(event.data.reservationId, { status: statusAfter[event.type], at });
    }
  }
  // In reservation id order: two batches never take their row locks in opposite orders.
  const byId = <T>(m: Map<string, T>) =>
    [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
  if (created.size) {
    const c = byId(created);
    const col = <K extends keyof Booked>(k: K) => c.map((r) => r[k]);
    await tx`
      insert into user_reservations (reservation_id, property_id, user_id, confirmation_number,
        status, items, date_from, date_to, total, currency, booked_at, updated_at)
      select id, p, u, n, 'pending', i::jsonb, f, t, tot, cur, at, at
      from unnest(${col("reservation_id")}::uuid[], ${col("property_id")}::text[],
        ${col("user_id")}::text[], ${col("confirmation_number")}::text[], ${col("items")}::text[],
        ${col("date_from")}::date[], ${col("date_to")}::date[], ${col("total")}::bigint[],
        ${col("currency")}::text[], ${col("at")}::timestamptz[])
        as x(id, p, u, n, i, f, t, tot, cur, at)
      on conflict (reservation_id) do nothing`;
  }
  if (modified.size) {
    const m = byId(modified);
    await tx`
      update user_reservations r set items = x.i::jsonb, date_from = x.f, date_to = x.t,
        total = x.tot, updated_at = greatest(r.updated_at, x.at)
      from unnest(${m.map((r) => r.reservation_id)}::uuid[], ${m.map((r) => r.items)}::text[],
        ${m.map((r) => r.date_from)}::date[], ${m.map((r) => r.date_to)}::date[],
        ${m.map((r) => r.total)}::bigint[], ${m.map((r) => r.at)}::timestamptz[])
        as x(id, i, f, t, tot, at)
      where r.reservation_id = x.id`;
  }
  if (statuses.size) {
    const s = [...statuses.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    await tx`
      update user_reservations r set status = x.s, updated_at = greatest(r.updated_at, x.at)
      from unnest(${s.map(([id]) => id)}::uuid[], ${s.map(([, v]) => v.status)}::text[],
        ${s.map(([, v]) => v.at)}::timestamptz[]) as x(id, s, at)
      where r.reservation_id = x.id`;
  }
}

/** Booking history: one row per reservation with its status, dates, amount and number. */
export const history = defineService({
  name: "history",
  events: historyEvents,
  async handleBatch(tx, events) {
    await tx`select set_config('search_path', 'history, public', true)`;
    await applyHistory(tx, ...events);
  },
});
