/**
 * Reservation search: a property's reservations by status, stay dates, confirmation number,
 * guest e-mail and last change, a page at a time in one stable order (created_at, id), each
 * filter backed by an index of migration 0080.
 */
import type { PageOpts, Position, Sql } from "../db/mod.ts";
import type { Status } from "./domain.ts";
import type { ReservationState } from "./state.ts";
import { reservationStates } from "./queries.ts";

/** What a property's reservations are filtered by; every filter given must hold. */
export interface ReservationFilter {
  propertyId: string;
  statuses?: Status[];
  /** Staying a night of [from, to): arriving before `to`, departing after `from`. */
  from?: string;
  to?: string;
  /** Arriving on (the first date of its stay). */
  arrival?: string;
  /** Departing on (the day after its last night or day). */
  departure?: string;
  confirmationNumber?: string;
  /** The guest's e-mail, whatever its case. */
  email?: string;
  /** Changed at or after (`updatedAt`). */
  updatedSince?: Date;
  /** Only those this API key made (a client key). */
  apiKeyId?: string;
}

/** A reservation found, with its place in the order (`at` as SQL's `cursor_at` writes it). */
export interface Found {
  state: ReservationState;
  position: Position;
}

/**
 * Up to `limit` reservations matching `f` after `after` (none: from the first), oldest booking
 * first, then by id. A stay filter (`from`, `to`) picks its rows first, by the departure index,
 * and sorts only those: in booking order, Postgres would walk the property's whole past to find
 * tonight's few stays (it cannot tell that arrival and departure go together).
 */
export async function searchReservations(
  sql: Sql,
  f: ReservationFilter,
  page: PageOpts,
): Promise<Found[]> {
  const statuses = f.statuses?.length === 1
    ? sql`and status = ${f.statuses[0]}` // one status: read in order from its index
    : f.statuses
    ? sql`and status = any(${f.statuses}::text[])`
    : sql``;
  const matching = sql`
    property_id = ${f.propertyId} ${statuses}
      ${f.to ? sql`and arrival < ${f.to}::date` : sql``}
      ${f.from ? sql`and departure > ${f.from}::date` : sql``}
      ${f.arrival ? sql`and arrival = ${f.arrival}::date` : sql``}
      ${f.departure ? sql`and departure = ${f.departure}::date` : sql``}
      ${f.confirmationNumber ? sql`and confirmation_number = ${f.confirmationNumber}` : sql``}
      ${f.email ? sql`and lower(guest_email) = lower(${f.email})` : sql``}
      ${f.updatedSince ? sql`and updated_at >= ${f.updatedSince}` : sql``}
      ${f.apiKeyId ? sql`and api_key_id = ${f.apiKeyId}` : sql``}`;
  const after = page.after
    ? sql`and (created_at, id) > (${page.after.at}::text::timestamptz, ${page.after.id}::uuid)`
    : sql``;
  const rows = await sql<{ id: string; at: string }[]>`
    ${
    f.from || f.to
      ? sql`with stays as materialized (
          select id, created_at from reservations where ${matching})
        select id, cursor_at(created_at) as at from stays where true ${after}`
      : sql`select id, cursor_at(created_at) as at from reservations where ${matching} ${after}`
  }
    order by created_at, id
    limit ${page.limit}`;
  const states = new Map(
    (await reservationStates(sql, rows.map((r) => r.id))).map((s) => [s.id, s]),
  );
  return rows.flatMap((r) => {
    const state = states.get(r.id);
    return state ? [{ state, position: { at: r.at, id: r.id } }] : [];
  });
}
