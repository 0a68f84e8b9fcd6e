/**
 * The booking engine's transactions: place a hold, change a reservation's state, modify it.
 * Each runs in one Postgres transaction that takes the advisory locks of every (resource,
 * date) it touches in one order, changes inventory, the reservation and its history, and
 * appends its events to the outbox. Shared by the api, the reservations consumer and the
 * hold-expiry sweeper.
 */
import { inTransaction, isPgError, type Sql } from "../db/db.ts";
import { Conflict, NotFound, SoldOut, ValidationFailed } from "../errors/errors.ts";
import { makeEvent } from "../events/envelope.ts";
import { type EventType, subjectOf } from "../events/catalogue.ts";
import { appendToOutbox } from "../outbox/outbox.ts";
import { uuidv7 } from "../ids/uuid.ts";
import {
  type Action,
  assertModifiable,
  confirmationNumber,
  datesIn,
  decideTransition,
  inventoryState,
  type Item,
  type ItemRequest,
  needsOf,
  priceItems,
  resolveItems,
  type ResourceKind,
  sortForLocks,
} from "./domain.ts";
import * as q from "./queries.ts";

/** Who asks, when, and under which correlation id. `ownerKeyId` limits to one API key's bookings. */
export interface Ctx {
  now: Date;
  correlationId: string;
  causationId?: string | null;
  ownerKeyId?: string;
}

export interface NewReservation {
  propertyId: string;
  userId: string;
  guest: { name: string; email: string };
  items: ItemRequest[];
  payment: { token: string };
}

/** A reservation as clients see it. */
export interface ReservationView {
  id: string;
  confirmationNumber: string;
  propertyId: string;
  userId: string;
  status: string;
  guest: { name: string; email: string };
  items: {
    resourceId: string;
    kind: ResourceKind;
    from: string;
    to: string;
    quantity: number;
    seats?: string[];
    amount: number;
  }[];
  total: number;
  currency: string;
  holdExpiresAt: string;
  createdAt: string;
  updatedAt: string;
}

/** A booking checked against the catalogue and a quote of availability, ready to place. */
export interface PreparedBooking {
  input: NewReservation;
  items: Item[];
  currency: string;
  maxQuantity: number;
  /** The confirmation sequence number drawn with the quote. */
  seq: number;
  /** Unit price per `${resourceId}\u0000${date}` at the quote. */
  prices: Map<string, number>;
}

/**
 * Resources and their seat maps never change once created (berth has no update or delete for
 * them), so each pool keeps those it has seen. Ids not found are not remembered.
 */
const seen = new WeakMap<Sql, Map<string, { row: q.ResourceRow; seats?: Set<string> }>>();

async function resourcesOf(sql: Sql, ids: string[]) {
  let cache = seen.get(sql);
  if (!cache) seen.set(sql, cache = new Map());
  const missing = ids.filter((id) => !cache.has(id));
  if (missing.length) {
    const rows = await q.resourcesById(sql, missing);
    const seatIds = rows.filter((r) => r.kind === "seat").map((r) => r.id);
    const seatMaps = seatIds.length ? await q.seatMaps(sql, seatIds) : new Map();
    if (cache.size > 100_000) cache.clear();
    for (const row of rows) {
      cache.set(row.id, {
        row,
        seats: row.kind === "seat" ? new Set(seatMaps.get(row.id)) : undefined,
      });
    }
  }
  return new Map(ids.flatMap((id) => (cache.has(id) ? [[id, cache.get(id)!] as const] : [])));
}

async function resolve(sql: Sql, propertyId: string, requests: ItemRequest[], maxQuantity: number) {
  const known = await resourcesOf(sql, [...new Set(requests.map((r) => r.resourceId))]);
  const kinds = new Map(
    [...known].map(([id, k]) => [id, { kind: k.row.kind, propertyId: k.row.property_id }]),
  );
  const items = resolveItems(requests, kinds, propertyId, maxQuantity);
  const seatErrors = items.flatMap((it, i) => {
    const unknown = (it.seats ?? []).filter((seat) => !known.get(it.resourceId)!.seats!.has(seat));
    return unknown.length
      ? [{ path: `items.${i}.seats`, message: `no such seat: ${unknown.join(", ")}` }]
      : [];
  });
  if (seatErrors.length) throw new ValidationFailed("the booking is not valid", seatErrors);
  return { items, currency: known.get(items[0].resourceId)!.row.currency };
}

function shortageMessage(s: { resourceId: string; date: string }[]): string {
  const first = s[0];
  return `${first.resourceId} has not enough left on ${first.date}` +
    (s.length > 1 ? ` (and ${s.length - 1} more date(s))` : "");
}

/**
 * Validates a booking and checks availability without taking any lock, so a sold-out
 * (resource, date) is answered at once. The transaction checks again under the locks.
 */
export async function prepareBooking(
  sql: Sql,
  input: NewReservation,
  maxQuantity: number,
): Promise<PreparedBooking> {
  const { items, currency } = await resolve(sql, input.propertyId, input.items, maxQuantity);
  const seatItems = items.filter((it) => it.seats);
  const [{ seq, rows }, ...taken] = await Promise.all([
    q.quote(sql, needsOf(items)),
    ...seatItems.map((it) => q.takenSeats(sql, it.resourceId, datesIn(it.from, it.to), it.seats!)),
  ]);
  const short = rows.filter((r) => r.free < r.quantity);
  if (short.length) {
    throw new SoldOut(
      shortageMessage(short.map((r) => ({ resourceId: r.resource_id, date: r.date }))),
    );
  }
  const seat = taken.find((t) => t.length)?.[0];
  if (seat) throw new SoldOut(`seat ${seat.seat} on ${seat.date} is taken`);
  const prices = new Map(rows.map((r) => [`${r.resource_id}\u0000${r.date}`, r.price]));
  return { input, items, currency, maxQuantity, seq, prices };
}

function seatRows(items: Item[]) {
  return items.flatMap((it) =>
    (it.seats ?? []).flatMap((seat) =>
      datesIn(it.from, it.to).map((date) => ({ resourceId: it.resourceId, date, seat }))
    )
  );
}

function itemRows(items: Item[], amounts: number[]) {
  return items.map((it, i) => ({
    resource_id: it.resourceId,
    kind: it.kind,
    date_from: it.from,
    date_to: it.to,
    quantity: it.quantity,
    seats: it.seats ?? null,
    amount: amounts[i],
  }));
}

/** Adds `items`' units to held or sold under locks already held; SoldOut when short. */
async function takeUnits(tx: Sql, items: Item[], as: "held" | "sold") {
  const needs = needsOf(items);
  const taken = await q.take(tx, needs, as);
  if (taken.length < needs.length) {
    const got = new Set(taken.map((t) => `${t.resource_id}\u0000${t.date}`));
    throw new SoldOut(
      shortageMessage(needs.filter((n) => !got.has(`${n.resourceId}\u0000${n.date}`))),
    );
  }
  const prices = new Map(taken.map((t) => [`${t.resource_id}\u0000${t.date}`, t.price]));
  const rates = taken.map((t) => ({ resourceId: t.resource_id, date: t.date, price: t.price }))
    .sort((a, b) => a.resourceId.localeCompare(b.resourceId) || a.date.localeCompare(b.date));
  return { ...priceItems(items, (r, d) => prices.get(`${r}\u0000${d}`)!), rates };
}

/** Holds the named seats of `items` for a reservation; SoldOut when one is taken. */
async function holdItemSeats(tx: Sql, reservationId: string, items: Item[]) {
  const seats = seatRows(items);
  if ((await q.holdSeats(tx, reservationId, seats)) < seats.length) {
    throw new SoldOut("one of the seats was just taken");
  }
}

/** Units and seats for `items`, under locks already held; returns the amounts. */
async function takeInventory(tx: Sql, reservationId: string, items: Item[], as: "held" | "sold") {
  const priced = await takeUnits(tx, items, as);
  await holdItemSeats(tx, reservationId, items);
  return priced;
}

/**
 * Places a pending reservation holding its inventory until `holdExpiresAt`, in one statement
 * (`place_hold`, migration 0003) that takes the locks, checks the quote still holds, writes the
 * reservation, its lines, seats and event, and records the answer under the idempotency key.
 * Returns null when the key was used before (the caller replays that answer). A price changed
 * since the quote is quoted again (twice at most).
 */
export async function placeBooking(
  sql: Sql,
  prepared: PreparedBooking,
  ctx: Ctx & { holdMinutes: number; apiKeyId: string },
  idempotency: { apiKeyId: string; key: string; requestHash: string; expiresAt: Date } | null =
    null,
): Promise<ReservationView | null> {
  let p = prepared;
  for (let attempt = 1;; attempt++) {
    const { view, args } = holdOf(p, ctx);
    try {
      const outcome = await q.placeHold(sql, { ...args, idempotency, answer: view });
      return outcome === "placed" ? view : null;
    } catch (err) {
      if (isPgError(err, "BK001", "BK002")) throw new SoldOut(err.message);
      if (!isPgError(err, "BK003") || attempt === 3) throw err;
      p = await prepareBooking(sql, p.input, p.maxQuantity);
    }
  }
}

/** The reservation, its lines, seats and event a prepared booking makes: pure. */
function holdOf(p: PreparedBooking, ctx: Ctx & { holdMinutes: number; apiKeyId: string }) {
  const id = uuidv7(ctx.now.getTime());
  const needs = needsOf(p.items);
  const priceOf = (r: string, d: string) => p.prices.get(`${r}\u0000${d}`)!;
  const { amounts, total } = priceItems(p.items, priceOf);
  const rates = needs
    .map((n) => ({ resourceId: n.resourceId, date: n.date, price: priceOf(n.resourceId, n.date) }))
    .sort((a, b) => a.resourceId.localeCompare(b.resourceId) || a.date.localeCompare(b.date));
  const confirmation = confirmationNumber(p.seq, ctx.now);
  const holdExpiresAt = new Date(ctx.now.getTime() + ctx.holdMinutes * 60_000);
  const { input } = p;
  const view: ReservationView = {
    id,
    confirmationNumber: confirmation,
    propertyId: input.propertyId,
    userId: input.userId,
    status: "pending",
    guest: input.guest,
    items: p.items.map((it, i) => ({
      resourceId: it.resourceId,
      kind: it.kind,
      from: it.from,
      to: it.to,
      quantity: it.quantity,
      ...(it.seats ? { seats: it.seats } : {}),
      amount: amounts[i],
    })),
    total,
    currency: p.currency,
    holdExpiresAt: holdExpiresAt.toISOString(),
    createdAt: ctx.now.toISOString(),
    updatedAt: ctx.now.toISOString(),
  };
  const created = makeEvent("reservation.created", input.propertyId, {
    reservationId: id,
    confirmationNumber: confirmation,
    userId: input.userId,
    guest: input.guest,
    items: view.items,
    total,
    currency: p.currency,
    holdExpiresAt: view.holdExpiresAt,
    paymentToken: input.payment.token,
    rates,
  }, { correlationId: ctx.correlationId, causationId: ctx.causationId, now: ctx.now });
  const args = {
    needs: needs.map((n) => ({ ...n, price: priceOf(n.resourceId, n.date) })),
    reservation: {
      id,
      propertyId: input.propertyId,
      userId: input.userId,
      apiKeyId: ctx.apiKeyId,
      confirmationNumber: confirmation,
      guestName: input.guest.name,
      guestEmail: input.guest.email,
      total,
      currency: p.currency,
      paymentToken: input.payment.token,
      holdExpiresAt: view.holdExpiresAt,
      now: ctx.now.toISOString(),
    },
    items: itemRows(p.items, amounts),
    seats: seatRows(p.items),
    event: {
      id: created.id,
      subject: subjectOf(created.type, created.propertyId),
      type: created.type,
      payload: JSON.stringify(created),
    },
  };
  return { view, args };
}

function toView(r: q.ReservationRow, items: q.ItemRow[]): ReservationView {
  return {
    id: r.id,
    confirmationNumber: r.confirmation_number,
    propertyId: r.property_id,
    userId: r.user_id,
    status: r.status,
    guest: { name: r.guest_name, email: r.guest_email },
    items: items.map((i) => ({
      resourceId: i.resource_id,
      kind: i.kind,
      from: i.date_from,
      to: i.date_to,
      quantity: i.quantity,
      ...(i.seats ? { seats: i.seats } : {}),
      amount: i.amount,
    })),
    total: r.total,
    currency: r.currency.trim(),
    holdExpiresAt: new Date(r.hold_expires_at).toISOString(),
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

function itemsOf(rows: q.ItemRow[]): Item[] {
  return rows.map((i) => ({
    resourceId: i.resource_id,
    kind: i.kind,
    from: i.date_from,
    to: i.date_to,
    quantity: i.quantity,
    seats: i.seats ?? undefined,
  }));
}

/** A reservation with its history; NotFound when absent or not the caller's. */
export async function getReservation(sql: Sql, id: string, ownerKeyId?: string) {
  const found = await q.loadReservation(sql, id);
  if (!found || (ownerKeyId && found.reservation.api_key_id !== ownerKeyId)) {
    throw new NotFound("no such reservation");
  }
  const history = await q.historyOf(sql, id);
  return {
    ...toView(found.reservation, found.items),
    history: history.map((h) => ({
      status: h.status,
      reason: h.reason,
      at: new Date(h.at).toISOString(),
    })),
  };
}

const eventOf: Record<Action, EventType> = {
  confirm: "reservation.confirmed",
  fail: "reservation.failed",
  expire: "reservation.expired",
  cancel: "reservation.cancelled",
  checkIn: "reservation.checked_in",
  checkOut: "reservation.checked_out",
};

async function lockedReservation(tx: Sql, id: string, ctx: Ctx) {
  const found = await q.loadReservation(tx, id, { forUpdate: true });
  if (!found || (ctx.ownerKeyId && found.reservation.api_key_id !== ctx.ownerKeyId)) {
    throw new NotFound("no such reservation");
  }
  return found;
}

/**
 * Moves a reservation through `action` (confirm, fail, expire, cancel, check-in, check-out):
 * 409 `invalid_transition` when its state does not allow it. Held units become sold on
 * confirmation; a release frees units and seats. Confirming after the hold has passed is a
 * 409 `hold_expired`: the hold is gone, whatever the payment says.
 */
export async function changeStatus(
  sql: Sql,
  id: string,
  action: Action,
  ctx: Ctx & { reason?: string; paymentId?: string },
): Promise<ReservationView> {
  return await inTransaction(sql, (tx) => changeStatusIn(tx, id, action, ctx));
}

/**
 * {@link changeStatus} inside the caller's transaction `tx`, so a consumer commits the state
 * change, its events and its inbox row together. A refused change (a DomainError) is thrown
 * before anything is written, so the transaction stays usable.
 */
export async function changeStatusIn(
  tx: Sql,
  id: string,
  action: Action,
  ctx: Ctx & { reason?: string; paymentId?: string },
): Promise<ReservationView> {
  const { reservation: r, items } = await lockedReservation(tx, id, ctx);
  const next = decideTransition(r.status, action);
  if (action === "confirm" && new Date(r.hold_expires_at) <= ctx.now) {
    throw new Conflict("the hold expired before the payment arrived", "hold_expired");
  }
  if (action === "expire" && new Date(r.hold_expires_at) > ctx.now) {
    throw new Conflict("the hold has not expired yet", "hold_active");
  }
  const before = inventoryState(r.status);
  const after = inventoryState(next);
  const needs = needsOf(itemsOf(items));
  if (before !== after) {
    await q.lockDates(tx, needs);
    if (before === "held" && after === "sold") await q.holdToSold(tx, needs);
    else if (after === "none" && before !== "none") {
      await q.release(tx, needs, before);
      await q.releaseSeats(tx, id);
    }
  }
  const reason = ctx.reason ?? null;
  await q.setStatus(tx, id, next, reason, { paymentId: ctx.paymentId });
  const ref = { reservationId: id, confirmationNumber: r.confirmation_number, userId: r.user_id };
  const meta = { correlationId: ctx.correlationId, causationId: ctx.causationId, now: ctx.now };
  const type = eventOf[action];
  const data = action === "confirm"
    ? { ...ref, paymentId: ctx.paymentId ?? r.payment_id ?? "unknown" }
    : action === "fail"
    ? { ...ref, reason: reason ?? "payment failed" }
    : action === "cancel"
    ? { ...ref, reason: reason ?? "cancelled by request", previousStatus: r.status }
    : ref;
  await appendToOutbox(tx, [makeEvent(type, r.property_id, data as never, meta)]);
  return toView({ ...r, status: next, updated_at: ctx.now }, items);
}

/**
 * Changes dates, quantities or seats of a pending or confirmed reservation atomically: the new
 * inventory is taken and the old released in one transaction, or nothing changes (409
 * `sold_out` when the new one is not there).
 */
export async function modifyReservation(
  sql: Sql,
  id: string,
  requests: ItemRequest[],
  ctx: Ctx & { maxQuantity: number },
): Promise<ReservationView> {
  return await inTransaction(sql, async (tx) => {
    const { reservation: r, items: oldRows } = await lockedReservation(tx, id, ctx);
    assertModifiable(r.status);
    const { items } = await resolve(tx, r.property_id, requests, ctx.maxQuantity);
    const oldNeeds = needsOf(itemsOf(oldRows));
    const newNeeds = needsOf(items);
    await q.lockDates(tx, sortForLocks([...oldNeeds, ...newNeeds]));
    const state = inventoryState(r.status) as "held" | "sold";
    await q.release(tx, oldNeeds, state);
    await q.releaseSeats(tx, id);
    const { amounts, total, rates } = await takeInventory(tx, id, items, state);
    await q.replaceItems(tx, id, itemRows(items, amounts), total);
    await q.setStatus(tx, id, r.status, "modified");
    const view = toView(
      { ...r, total, updated_at: ctx.now },
      itemRows(items, amounts).map((x, i) => ({ ...x, line: i + 1 })),
    );
    await appendToOutbox(tx, [
      makeEvent("reservation.modified", r.property_id, {
        reservationId: id,
        confirmationNumber: r.confirmation_number,
        userId: r.user_id,
        items: view.items,
        total,
        previousTotal: r.total,
        currency: view.currency,
        rates,
      }, { correlationId: ctx.correlationId, causationId: ctx.causationId, now: ctx.now }),
    ]);
    return view;
  });
}
