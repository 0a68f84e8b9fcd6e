/** The booking engine's SQL: tagged templates over the tables of migrations/0001_core.sql. */
import type { Sql } from "../db/db.ts";
import { lockKey, type Need, type ResourceKind, type Status } from "./domain.ts";

export interface ResourceRow {
  id: string;
  property_id: string;
  kind: ResourceKind;
  currency: string;
}

/** Resources by id, with their property's currency. */
export async function resourcesById(sql: Sql, ids: string[]): Promise<ResourceRow[]> {
  return await sql<ResourceRow[]>`
    select r.id, r.property_id, r.kind, p.currency
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
      coalesce(i.total - i.held - i.sold, -1) as free, coalesce(i.price, 0)::int as price,
      (select nextval('confirmation_seq'))::int as seq
    from unnest(${res}::text[], ${dates}::date[], ${qty}::int[]) with ordinality as n(r, d, q, o)
    left join inventory i on i.resource_id = n.r and i.date = n.d
    order by n.o`;
  return { seq: rows[0]?.seq ?? 0, rows };
}

/** Everything `place_hold` (migration 0003) needs to place a hold in one statement. */
export interface HoldArgs {
  idempotency: { apiKeyId: string; key: string; requestHash: string; expiresAt: Date } | null;
  answer: unknown;
  needs: (Need & { price: number })[];
  reservation: Record<string, unknown>;
  items: Omit<ItemRow, "line">[];
  seats: { resourceId: string; date: string; seat: string }[];
  event: { id: string; subject: string; type: string; payload: string };
}

/** Places a hold (see migration 0003); 'replay' when the idempotency key was taken before. */
export async function placeHold(sql: Sql, a: HoldArgs): Promise<"placed" | "replay"> {
  const keys = a.needs.map((n) => lockKey(n.resourceId, n.date));
  const idem = a.idempotency;
  const [{ outcome }] = await sql<{ outcome: "placed" | "replay" }[]>`
    select place_hold(
      ${idem?.apiKeyId ?? null}, ${idem?.key ?? null}, ${idem?.requestHash ?? null},
      ${idem?.expiresAt ?? null}, ${sql.json(a.answer as never)},
      ${keys.map((k) => k[0])}::int[], ${keys.map((k) => k[1])}::int[],
      ${a.needs.map((n) => n.resourceId)}::text[], ${a.needs.map((n) => n.date)}::date[],
      ${a.needs.map((n) => n.quantity)}::int[], ${a.needs.map((n) => n.price)}::bigint[],
      ${sql.json(a.reservation as never)},
      ${sql.json(a.items.map((it, i) => ({ ...it, line: i + 1 })) as never)},
      ${a.seats.map((s) => s.resourceId)}::text[], ${a.seats.map((s) => s.date)}::date[],
      ${a.seats.map((s) => s.seat)}::text[],
      ${a.event.id}::uuid, ${a.event.subject}, ${a.event.type}, ${a.event.payload}
    ) as outcome`;
  return outcome;
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
 * Adds `quantity` to held (or sold) where enough is free; returns the rows it changed with their
 * price. Fewer rows than needs means something was short: the caller rolls back.
 */
export async function take(
  tx: Sql,
  needs: Need[],
  as: "held" | "sold",
): Promise<{ resource_id: string; date: string; price: number }[]> {
  const { res, dates, qty } = columns(needs);
  const heldAdd = as === "held" ? qty : qty.map(() => 0);
  const soldAdd = as === "sold" ? qty : qty.map(() => 0);
  return await tx<{ resource_id: string; date: string; price: number }[]>`
    update inventory i set held = i.held + n.h, sold = i.sold + n.s
    from unnest(${res}::text[], ${dates}::date[], ${heldAdd}::int[], ${soldAdd}::int[]) as n(r, d, h, s)
    where i.resource_id = n.r and i.date = n.d and i.total - i.held - i.sold >= n.h + n.s
    returning i.resource_id, i.date::text as date, i.price::int as price`;
}

/** Gives back units that were held or sold. */
export async function release(tx: Sql, needs: Need[], from: "held" | "sold"): Promise<void> {
  if (needs.length === 0) return;
  const { res, dates, qty } = columns(needs);
  const h = from === "held" ? qty : qty.map(() => 0);
  const s = from === "sold" ? qty : qty.map(() => 0);
  await tx`
    update inventory i set held = i.held - n.h, sold = i.sold - n.s
    from unnest(${res}::text[], ${dates}::date[], ${h}::int[], ${s}::int[]) as n(r, d, h, s)
    where i.resource_id = n.r and i.date = n.d`;
}

/** Turns held units into sold ones (a confirmed payment). */
export async function holdToSold(tx: Sql, needs: Need[]): Promise<void> {
  if (needs.length === 0) return;
  const { res, dates, qty } = columns(needs);
  await tx`
    update inventory i set held = i.held - n.q, sold = i.sold + n.q
    from unnest(${res}::text[], ${dates}::date[], ${qty}::int[]) as n(r, d, q)
    where i.resource_id = n.r and i.date = n.d`;
}

/** Holds named seats for a reservation; returns how many were free and are now its own. */
export async function holdSeats(
  tx: Sql,
  reservationId: string,
  seats: { resourceId: string; date: string; seat: string }[],
): Promise<number> {
  if (seats.length === 0) return 0;
  const rows = await tx`
    insert into seat_holds (resource_id, date, seat, reservation_id)
    select r, d, s, ${reservationId}::uuid
    from unnest(${seats.map((s) => s.resourceId)}::text[], ${seats.map((s) => s.date)}::date[],
      ${seats.map((s) => s.seat)}::text[]) as x(r, d, s)
    on conflict do nothing
    returning seat`;
  return rows.length;
}

/** Frees every seat a reservation holds. */
export async function releaseSeats(tx: Sql, reservationId: string): Promise<void> {
  await tx`delete from seat_holds where reservation_id = ${reservationId}`;
}

export interface ReservationRow {
  id: string;
  property_id: string;
  user_id: string;
  api_key_id: string;
  confirmation_number: string;
  status: Status;
  guest_name: string;
  guest_email: string;
  total: number;
  currency: string;
  payment_token: string;
  payment_id: string | null;
  hold_expires_at: Date;
  created_at: Date;
  updated_at: Date;
}

export interface ItemRow {
  line: number;
  resource_id: string;
  kind: ResourceKind;
  date_from: string;
  date_to: string;
  quantity: number;
  seats: string[] | null;
  amount: number;
}

/** A reservation and its lines; `forUpdate` locks the reservation row. */
export async function loadReservation(
  sql: Sql,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<{ reservation: ReservationRow; items: ItemRow[] } | null> {
  const [reservation] = opts.forUpdate
    ? await sql<
      ReservationRow[]
    >`select *, total::int as total from reservations where id = ${id} for update`
    : await sql<ReservationRow[]>`select *, total::int as total from reservations where id = ${id}`;
  if (!reservation) return null;
  const items = await sql<ItemRow[]>`
    select line, resource_id, kind, date_from::text, date_to::text, quantity, seats, amount::int as amount
    from reservation_items where reservation_id = ${id} order by line`;
  return { reservation, items };
}

/** The status history of a reservation, oldest first. */
export async function historyOf(sql: Sql, id: string) {
  return await sql<{ status: Status; reason: string | null; at: Date }[]>`
    select status, reason, at from reservation_history where reservation_id = ${id} order by id`;
}

/** Sets a new status and records it in the history. */
export async function setStatus(
  tx: Sql,
  id: string,
  status: Status,
  reason: string | null,
  extra: { paymentId?: string } = {},
): Promise<void> {
  await tx`
    with u as (
      update reservations set status = ${status}, updated_at = now(),
        payment_id = coalesce(${extra.paymentId ?? null}, payment_id)
      where id = ${id})
    insert into reservation_history (reservation_id, status, reason) values (${id}, ${status}, ${reason})`;
}

/** Replaces a reservation's lines and total (a modification). */
export async function replaceItems(
  tx: Sql,
  id: string,
  items: Omit<ItemRow, "line">[],
  total: number,
): Promise<void> {
  await tx`delete from reservation_items where reservation_id = ${id}`;
  await insertItems(tx, id, items);
  await tx`update reservations set total = ${total}, updated_at = now() where id = ${id}`;
}

/** Inserts a reservation's lines. */
export async function insertItems(tx: Sql, id: string, items: Omit<ItemRow, "line">[]) {
  await tx`
    insert into reservation_items (reservation_id, line, resource_id, kind, date_from, date_to, quantity, seats, amount)
    select ${id}::uuid, l, r, k, f, t, q, case when s = '' then null else string_to_array(s, ',') end, a
    from unnest(
      ${items.map((_, i) => i + 1)}::int[], ${items.map((i) => i.resource_id)}::text[],
      ${items.map((i) => i.kind)}::text[], ${items.map((i) => i.date_from)}::date[],
      ${items.map((i) => i.date_to)}::date[], ${items.map((i) => i.quantity)}::int[],
      ${items.map((i) => i.seats?.join(",") ?? "")}::text[], ${items.map((i) => i.amount)}::bigint[]
    ) as x(l, r, k, f, t, q, s, a)`;
}

/** Pending reservations whose hold has passed, oldest first. */
export async function expiredHolds(sql: Sql, now: Date, limit: number): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    select id from reservations
    where status = 'pending' and hold_expires_at <= ${now}
    order by hold_expires_at limit ${limit}`;
  return rows.map((r) => r.id);
}
