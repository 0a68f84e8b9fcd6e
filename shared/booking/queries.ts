/** The booking engine's SQL: tagged templates over the tables of migrations/0001_core.sql. */
import type { Sql } from "../db/mod.ts";
import type { ResourceKind, Status } from "./domain.ts";
import { lockKey } from "./domain.ts";
import type { Need } from "./nights.ts";
import type { ReservationState } from "./state.ts";
import type { PendingChange } from "./state.ts";
import type { CancellationPolicy } from "./money.ts";

export interface ResourceRow {
  id: string;
  property_id: string;
  kind: ResourceKind;
  currency: string;
  timezone: string;
}

/** Resources by id, with their property's currency and time zone. */
export async function resourcesById(sql: Sql, ids: string[]): Promise<ResourceRow[]> {
  return await sql<ResourceRow[]>`
    select r.id, r.property_id, r.kind, p.currency, p.timezone
    from resources r join properties p on p.id = r.property_id
    where r.id = any(${ids}::text[])`;
}

function columns(needs: Need[]) {
  return {
    res: needs.map((n) => n.resourceId),
    dates: needs.map((n) => n.date),
    qty: needs.map((n) => n.quantity),
  };
}

/** What a (resource, date) offers now: units free (-1 when not on sale) and the price. */
export interface QuoteRow {
  resource_id: string;
  date: string;
  quantity: number;
  free: number;
  price: number;
}

/**
 * Reads availability and prices without locks, with a confirmation sequence number, in one
 * statement: a sold-out (resource, date) is answered before any transaction waits on a lock,
 * and a booking that goes ahead has its prices and number at hand.
 */
export async function quote(sql: Sql, needs: Need[]): Promise<{ seq: number; rows: QuoteRow[] }> {
  const { res, dates, qty } = columns(needs);
  const rows = await sql<(QuoteRow & { seq: number })[]>`
    select n.r as resource_id, n.d::text as date, n.q as quantity,
      coalesce(i.total - i.held - i.sold, -1) as free, coalesce(i.price, 0) as price,
      (select nextval('confirmation_seq'))::int as seq
    from unnest(${res}::text[], ${dates}::date[], ${qty}::int[]) with ordinality as n(r, d, q, o)
    left join inventory i on i.resource_id = n.r and i.date = n.d
    order by n.o`;
  return { seq: rows[0]?.seq ?? 0, rows: rows.map((r) => ({ ...r, price: Number(r.price) })) };
}

/** Seats of `resourceId` already held on these dates, from the given list. */
export async function takenSeats(
  sql: Sql,
  resourceId: string,
  dates: string[],
  seats: string[],
): Promise<{ date: string; seat: string }[]> {
  return await sql<{ date: string; seat: string }[]>`
    select date::text, seat from seat_holds
    where resource_id = ${resourceId} and date = any(${dates}::date[]) and seat = any(${seats}::text[])`;
}

/** The seat names of each seat resource. */
export async function seatMaps(sql: Sql, resourceIds: string[]): Promise<Map<string, string[]>> {
  const rows = await sql<{ resource_id: string; seats: string[] }[]>`
    select resource_id, array_agg(seat) as seats from seats
    where resource_id = any(${resourceIds}::text[]) group by resource_id`;
  return new Map(rows.map((r) => [r.resource_id, r.seats]));
}

/**
 * Takes the transaction-scoped advisory lock of every (resource, date), in the given order
 * (callers pass needs sorted by `sortForLocks`), so that no two transactions deadlock.
 */
export async function lockDates(
  tx: Sql,
  pairs: { resourceId: string; date: string }[],
): Promise<void> {
  if (pairs.length === 0) return;
  const keys = pairs.map((p) => lockKey(p.resourceId, p.date));
  await tx`
    select count(pg_advisory_xact_lock(k.a, k.b))
    from unnest(${keys.map((k) => k[0])}::int[], ${keys.map((k) => k[1])}::int[])
      with ordinality as k(a, b, ord)`;
}

/**
 * A property's cancellation policy and the start of `date` there (its midnight in the
 * property's time zone), as the payments service reads them to refund a cancellation.
 */
export async function cancellationTerms(
  sql: Sql,
  propertyId: string,
  date: string,
): Promise<{ policy: CancellationPolicy; startsAt: Date }> {
  const [row] = await sql<
    { free_cancel_hours: number; late_refund_percent: number; starts_at: Date }[]
  >`
    select free_cancel_hours, late_refund_percent,
      (${date}::date::timestamp at time zone timezone) as starts_at
    from properties where id = ${propertyId}`;
  return {
    policy: { freeCancelHours: row.free_cancel_hours, lateRefundPercent: row.late_refund_percent },
    startsAt: new Date(row.starts_at),
  };
}

/** The status history of a reservation, oldest first. */
export async function historyOf(sql: Sql, id: string) {
  return await sql<{ status: Status; reason: string | null; at: Date }[]>`
    select status, reason, at from reservation_history where reservation_id = ${id} order by id`;
}

/** Pending reservations whose hold has passed, oldest first. */
export async function expiredHolds(sql: Sql, now: Date, limit: number): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    select id from reservations
    where status = 'pending' and hold_expires_at <= ${now}
    order by hold_expires_at limit ${limit}`;
  return rows.map((r) => r.id);
}

/** When the next pending hold expires; null when none is pending. */
export async function nextHoldDue(sql: Sql): Promise<Date | null> {
  const [row] = await sql<{ next: Date | null }[]>`
    select min(hold_expires_at) as next from reservations where status = 'pending'`;
  return row.next;
}

/** Units and seats of one date over every resource: capacity, held and sold. */
export async function inventoryOn(
  sql: Sql,
  date: string,
): Promise<{ total: number; held: number; sold: number }> {
  const [row] = await sql<{ total: number; held: number; sold: number }[]>`
    select coalesce(sum(total), 0)::float8 as total, coalesce(sum(held), 0)::float8 as held,
      coalesce(sum(sold), 0)::float8 as sold
    from inventory where date = ${date}::date`;
  return row;
}

/** Reservations with their lines, as `decide` takes them. */
export async function reservationStates(sql: Sql, ids: string[]): Promise<ReservationState[]> {
  if (ids.length === 0) return [];
  const rows = await sql<
    {
      id: string;
      property_id: string;
      user_id: string;
      api_key_id: string;
      confirmation_number: string;
      status: Status;
      version: number;
      guest_name: string;
      guest_email: string;
      total: string;
      currency: string;
      timezone: string;
      payment_id: string | null;
      hold_expires_at: Date;
      created_at: Date;
      updated_at: Date;
      items: {
        resource_id: string;
        kind: ResourceKind;
        date_from: string;
        date_to: string;
        quantity: number;
        seats: string[] | null;
        amount: number;
      }[];
      pending_change: PendingChange | null;
    }[]
  >`
    select r.id, r.property_id, r.user_id, r.api_key_id, r.confirmation_number, r.status,
      r.version, r.guest_name, r.guest_email, r.total::text as total, r.currency, p.timezone,
      r.payment_id, r.hold_expires_at, r.created_at, r.updated_at, r.pending_change,
      (select coalesce(json_agg(json_build_object('resource_id', i.resource_id, 'kind', i.kind,
          'date_from', i.date_from, 'date_to', i.date_to, 'quantity', i.quantity,
          'seats', i.seats, 'amount', i.amount) order by i.line), '[]')
        from reservation_items i where i.reservation_id = r.id) as items
    from reservations r join properties p on p.id = r.property_id
    where r.id = any(${ids}::uuid[])`;
  return rows.map((r) => ({
    id: r.id,
    propertyId: r.property_id,
    userId: r.user_id,
    apiKeyId: r.api_key_id,
    confirmationNumber: r.confirmation_number,
    status: r.status,
    version: r.version,
    guest: { name: r.guest_name, email: r.guest_email },
    total: Number(r.total),
    currency: r.currency.trim(),
    timezone: r.timezone,
    paymentId: r.payment_id,
    holdExpiresAt: new Date(r.hold_expires_at),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    items: r.items.map((i) => ({
      resourceId: i.resource_id,
      kind: i.kind,
      from: i.date_from,
      to: i.date_to,
      quantity: i.quantity,
      seats: i.seats ?? undefined,
    })),
    amounts: r.items.map((i) => Number(i.amount)),
    pendingChange: r.pending_change,
  }));
}
