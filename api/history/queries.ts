/** Reads the history service's projection (history.user_reservations). */
import type { PageOpts, Sql } from "../../shared/db/mod.ts";
import type { ItemView, Status } from "../../shared/booking/mod.ts";

export interface HistoryRow {
  reservation_id: string;
  property_id: string;
  confirmation_number: string;
  status: Status;
  /** jsonb: the lines as the reservation's events carried them */
  items: ItemView[];
  date_from: string;
  date_to: string;
  total: string;
  currency: string;
  booked_at: Date;
  updated_at: Date;
  /** Its place in the list (cursor_at of booked_at). */
  cursor_at: string;
}

/**
 * A page of a user's reservations, newest booking first (then by id). With `apiKeyId`, only
 * those that key made: the engine's reservations table records the key, the events do not.
 */
export async function userReservations(
  sql: Sql,
  userId: string,
  opts: PageOpts & { status?: string; apiKeyId?: string },
): Promise<HistoryRow[]> {
  const after = opts.after;
  return await sql<HistoryRow[]>`
    select h.reservation_id, h.property_id, h.confirmation_number, h.status, h.items,
      h.date_from, h.date_to, h.total::text as total, h.currency, h.booked_at, h.updated_at,
      cursor_at(h.booked_at)
    from history.user_reservations h
    where h.user_id = ${userId}
      ${opts.status ? sql`and h.status = ${opts.status}` : sql``}
      ${
    opts.apiKeyId
      ? sql`and exists (select 1 from reservations r
          where r.id = h.reservation_id and r.api_key_id = ${opts.apiKeyId})`
      : sql``
  }
      ${
    after
      ? sql`and (h.booked_at < ${after.at}::text::timestamptz
          or (h.booked_at = ${after.at}::text::timestamptz and h.reservation_id > ${after.id}::uuid))`
      : sql``
  }
    order by h.booked_at desc, h.reservation_id
    limit ${opts.limit}`;
}
