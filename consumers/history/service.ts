import type { Sql } from "../../shared/db/db.ts";
import type { EventType } from "../../shared/events/catalogue.ts";
import type { Envelope } from "../../shared/events/envelope.ts";
import { defineService, type EventOf } from "../runtime/mod.ts";

/** The reservation events the history projects. */
export const historyEvents = [
  "reservation.created",
  "reservation.confirmed",
  "reservation.modified",
  "reservation.cancelled",
  "reservation.expired",
  "reservation.failed",
  "reservation.checked_in",
  "reservation.checked_out",
] as const satisfies readonly EventType[];

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

/**
 * Applies one reservation event to `user_reservations` (unqualified: the caller sets the search
 * path, `history` live and `history_rebuild` during a replay).
 */
export async function applyHistory(tx: Sql, e: Envelope): Promise<void> {
  const event = e as HistoryEvent;
  switch (event.type) {
    case "reservation.created": {
      const d = event.data;
      const { from, to } = span(d.items);
      await tx`
        insert into user_reservations (reservation_id, property_id, user_id, confirmation_number,
          status, items, date_from, date_to, total, currency, booked_at, updated_at)
        values (${d.reservationId}, ${event.propertyId}, ${d.userId}, ${d.confirmationNumber},
          'pending', ${tx.json(d.items)}, ${from}, ${to}, ${d.total}, ${d.currency},
          ${event.occurredAt}, ${event.occurredAt})
        on conflict (reservation_id) do nothing`;
      return;
    }
    case "reservation.modified": {
      const d = event.data;
      const { from, to } = span(d.items);
      await tx`
        update user_reservations set items = ${tx.json(d.items)}, date_from = ${from},
          date_to = ${to}, total = ${d.total}, updated_at = ${event.occurredAt}
        where reservation_id = ${d.reservationId}`;
      return;
    }
    default:
      await tx`
        update user_reservations set status = ${statusAfter[event.type]},
          updated_at = ${event.occurredAt}
        where reservation_id = ${event.data.reservationId}`;
  }
}

/** Booking history: one row per reservation with its status, dates, amount and number. */
export const history = defineService({
  name: "history",
  events: historyEvents,
  async handle(tx, event) {
    await tx`select set_config('search_path', 'history, public', true)`;
    await applyHistory(tx, event);
  },
});
