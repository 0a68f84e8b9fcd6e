/**
 * The booking engine's operations: place a hold, change a reservation's state, modify it. Each
 * reads what it needs without locks, decides in pure code (decide.ts) and sends one command to
 * `booking_apply` (write.ts, migration 0004), which takes every lock up front and checks that
 * what was read still holds; when it does not, the operation reads again and decides again.
 * Shared by the api, the reservations consumer and the hold-expiry sweeper.
 */
import type { Sql } from "../db/mod.ts";
import {
  Conflict,
  NotFound,
  PreconditionFailed,
  SoldOut,
  ValidationFailed,
} from "../errors/mod.ts";
import { uuidv7 } from "../ids/mod.ts";
import type { Action, Item, ItemRequest } from "./domain.ts";
import { arrivalOf, assertNotPast, datesIn, localDate, needsOf, resolveItems } from "./domain.ts";
import type { ReservationState, ReservationView } from "./decide.ts";
import { decideChange, decideHold, seatRows, viewOf } from "./decide.ts";
import { decideModify } from "./modify.ts";
import { nightKey } from "./nights.ts";
import { adjustmentOf, cancellationRefund } from "./money.ts";
import type { ChangeCommand, Command, Outcome } from "./write.ts";
import { groupCommitOf } from "./group.ts";
import * as q from "./queries.ts";
import { SoldOutCache } from "./soldout.ts";

export type { ReservationView } from "./decide.ts";

/** A request's Idempotency-Key: scoped to the API key, with the request's hash, kept until then. */
export interface IdempotencyKey {
  apiKeyId: string;
  key: string;
  requestHash: string;
  expiresAt: Date;
}

/** Who asks, when, and under which correlation id. `ownerKeyId` limits to one API key's bookings. */
export interface Ctx {
  now: Date;
  /** This process's sold-out memory: what a change gives back is forgotten there at once. */
  soldOut?: SoldOutCache;
  correlationId: string;
  causationId?: string | null;
  ownerKeyId?: string;
  /** Where new ids come from (default: UUIDv7 at `now`). */
  newId?: () => string;
  /** A change's Idempotency-Key: claimed with the change, its answer stored with it. */
  idempotency?: IdempotencyKey;
  /**
   * The versions a change may be made to (a request's `If-Match`); absent, any. The change's
   * command expects the version it was decided on, so it applies only while that one stands.
   */
  expectVersions?: number[];
}

export interface NewReservation {
  propertyId: string;
  userId: string;
  guest: { name: string; email: string };
  items: ItemRequest[];
  payment: { token: string };
}

/** A booking checked against the catalogue and a quote of availability, ready to place. */
export interface PreparedBooking {
  input: NewReservation;
  items: Item[];
  currency: string;
  timezone: string;
  maxQuantity: number;
  /** The confirmation sequence number drawn with the quote. */
  seq: number;
  /** Unit price per (resource, date) at the quote, by {@link nightKey}. */
  prices: Map<string, number>;
}

/** How many times an operation reads again after `booking_apply` found its reading stale. */
const REREADS = 5;

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

/**
 * Checks lines against their resources (400 `validation_failed`) and against the property's
 * calendar: a line starting before today there is 400 `date_in_past`.
 */
async function resolve(
  sql: Sql,
  propertyId: string,
  requests: ItemRequest[],
  maxQuantity: number,
  now: Date,
) {
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
  const { currency, timezone } = known.get(items[0].resourceId)!.row;
  assertNotPast(
    items.map((it, i) => ({ path: `items.${i}.from`, from: it.from })),
    localDate(now, timezone),
  );
  return { items, currency, timezone };
}

function shortageMessage(s: { resourceId: string; date: string }[]): string {
  const first = s[0];
  return `${first.resourceId} has not enough left on ${first.date}` +
    (s.length > 1 ? ` (and ${s.length - 1} more date(s))` : "");
}

/**
 * Validates a booking at `now` and checks availability without taking any lock, so a sold-out
 * (resource, date) is answered at once. The transaction checks again under the locks.
 */
export async function prepareBooking(
  sql: Sql,
  input: NewReservation,
  maxQuantity: number,
  now: Date,
  soldOut?: SoldOutCache,
): Promise<PreparedBooking> {
  const { items, currency, timezone } = await resolve(
    sql,
    input.propertyId,
    input.items,
    maxQuantity,
    now,
  );
  // The sold-out memory lives in this process's real time (its entries last `boundMs`).
  const seen = Date.now();
  const needs = needsOf(items);
  if (soldOut) {
    const gone = needs.find((n) => soldOut.has(SoldOutCache.key(n.resourceId, n.date), seen)) ??
      seatRows(items).find((x) => soldOut.has(SoldOutCache.key(x.r, x.d, x.s), seen));
    if (gone) {
      const at = "resourceId" in gone
        ? `${gone.resourceId} on ${gone.date}`
        : `seat ${gone.s} on ${gone.d}`;
      throw new SoldOut(`${at} is sold out`);
    }
  }
  const seatItems = items.filter((it) => it.seats);
  const [{ seq, rows }, ...taken] = await Promise.all([
    q.quote(sql, needs),
    ...seatItems.map((it) => q.takenSeats(sql, it.resourceId, datesIn(it.from, it.to), it.seats!)),
  ]);
  for (const r of rows) {
    if (r.free <= 0) soldOut?.mark(SoldOutCache.key(r.resource_id, r.date), seen);
  }
  taken.forEach((seats, i) => {
    for (const t of seats) {
      soldOut?.mark(SoldOutCache.key(seatItems[i].resourceId, t.date, t.seat), seen);
    }
  });
  const short = rows.filter((r) => r.free < r.quantity);
  if (short.length) {
    throw new SoldOut(
      shortageMessage(short.map((r) => ({ resourceId: r.resource_id, date: r.date }))),
    );
  }
  const seat = taken.find((t) => t.length)?.[0];
  if (seat) throw new SoldOut(`seat ${seat.seat} on ${seat.date} is taken`);
  const prices = new Map(rows.map((r) => [nightKey(r.resource_id, r.date), r.price]));
  return { input, items, currency, timezone, maxQuantity, seq, prices };
}

const idsOf = (ctx: Ctx) => ({
  now: ctx.now,
  correlationId: ctx.correlationId,
  causationId: ctx.causationId,
  newId: ctx.newId ?? (() => uuidv7(ctx.now.getTime())),
});

/** Forgets, in the sold-out memory, the units and seats a change gave back. */
function forgetReleased(
  soldOut: SoldOutCache | undefined,
  command: ChangeCommand,
  before: ReservationState,
) {
  if (!soldOut) return;
  const units = command.deltas.filter((d) => d.h + d.s < 0).map((d) => SoldOutCache.key(d.r, d.d));
  const seats = command.releaseSeats ? seatRows(before.items) : [];
  soldOut.forget([...units, ...seats.map((x) => SoldOutCache.key(x.r, x.d, x.s))]);
}

/** Applies one command of a request, grouped with the others in flight (group commit). */
const apply = (sql: Sql, command: Command, now: Date) => groupCommitOf(sql).apply(command, now);

/**
 * A change carrying the request's Idempotency-Key: `booking_apply` claims the key and stores
 * `answer` in the change's own transaction, or answers `replay` when an earlier request holds it.
 */
function withKey(
  command: ChangeCommand,
  key: IdempotencyKey | undefined,
  answer: ReservationView,
  status: 200 | 202 = 200,
): ChangeCommand {
  if (!key) return command;
  const idempotency = { ...key, expiresAt: key.expiresAt.toISOString() };
  return { ...command, idempotency, answer, answerStatus: status };
}

/** A modification's answer: 202 while a higher total waits for its payment, else 200. */
export const modificationStatus = (view: ReservationView): 200 | 202 =>
  view.pendingModification ? 202 : 200;

/** A refused hold or modification as the error the client gets. */
function refusal(outcome: Outcome): Error {
  if (outcome === "sold_out") return new SoldOut("not enough left on one of the dates");
  if (outcome === "seat_taken") return new SoldOut("one of the seats was just taken");
  return new Conflict(`the change could not be applied (${outcome})`);
}

/**
 * Places a pending reservation holding its inventory until `holdExpiresAt`, in one
 * `booking_apply` command that takes the locks, checks the quote still holds, writes the
 * reservation, its lines, seats and event, and records the answer under the idempotency key.
 * Returns null when the key was used before (the caller replays that answer). A price changed
 * since the quote is quoted again (twice at most).
 */
export async function placeBooking(
  sql: Sql,
  prepared: PreparedBooking,
  ctx: Ctx & { holdMinutes: number; apiKeyId: string },
  idempotency: IdempotencyKey | null = null,
): Promise<ReservationView | null> {
  let p = prepared;
  for (let attempt = 1;; attempt++) {
    const { input } = p;
    const { command, view } = decideHold({
      propertyId: input.propertyId,
      userId: input.userId,
      guest: input.guest,
      items: p.items,
      currency: p.currency,
      timezone: p.timezone,
      paymentToken: input.payment.token,
      apiKeyId: ctx.apiKeyId,
      seq: p.seq,
      priceOf: (r, d) => p.prices.get(nightKey(r, d))!,
      holdMinutes: ctx.holdMinutes,
      idempotency,
    }, idsOf(ctx));
    const outcome = await apply(sql, command, ctx.now);
    if (outcome === "placed") return view;
    if (outcome === "replay") return null;
    if (outcome !== "price_changed" || attempt === 3) throw refusal(outcome);
    p = await prepareBooking(sql, p.input, p.maxQuantity, ctx.now);
  }
}

/** Reservations as stored, by id; ids not found are left out. */
export async function readReservations(
  sql: Sql,
  ids: string[],
): Promise<Map<string, ReservationState>> {
  const rows = await q.reservationStates(sql, ids);
  return new Map(rows.map((s) => [s.id, s]));
}

async function readOne(sql: Sql, id: string, ctx: Ctx): Promise<ReservationState> {
  const s = (await readReservations(sql, [id])).get(id);
  if (!s || (ctx.ownerKeyId && s.apiKeyId !== ctx.ownerKeyId)) {
    throw new NotFound("no such reservation");
  }
  return s;
}

/**
 * 412 `precondition_failed` unless `s` is at one of the versions the caller expects. Checked on
 * every read a change is decided on: `booking_apply` refuses the command if the version moved
 * after the read, and the read that follows lands here.
 */
function assertExpected(s: ReservationState, ctx: Ctx): void {
  if (ctx.expectVersions && !ctx.expectVersions.includes(s.version)) {
    throw new PreconditionFailed(
      `the reservation was changed since you read it: it is at version ${s.version} now ` +
        `(ETag "${s.version}"); read it again and decide on what it is now`,
    );
  }
}

/** A reservation with its history; NotFound when absent or not the caller's. */
export async function getReservation(sql: Sql, id: string, ownerKeyId?: string) {
  const s = await readOne(sql, id, { ownerKeyId, now: new Date(0), correlationId: "" });
  const history = await q.historyOf(sql, id);
  return {
    ...viewOf(s),
    history: history.map((h) => ({
      status: h.status,
      reason: h.reason,
      at: new Date(h.at).toISOString(),
    })),
  };
}

/**
 * Moves a reservation through `action` (confirm, fail, expire, cancel, check-in, check-out):
 * 409 `invalid_transition` when its state does not allow it. Held units become sold on
 * confirmation; a release frees units and seats. Confirming after the hold has passed is a
 * 409 `hold_expired`: the hold is gone, whatever the payment says. A cancellation's answer says
 * what is refunded (`refund`); 412 `precondition_failed` when the reservation is not at a
 * version of `ctx.expectVersions`. Returns null when `ctx.idempotency` was used before (the
 * caller replays that answer).
 */
export async function changeStatus(
  sql: Sql,
  id: string,
  action: Action,
  ctx: Ctx & { reason?: string; paymentId?: string },
): Promise<ReservationView | null> {
  for (let read = 1;; read++) {
    const s = await readOne(sql, id, ctx);
    assertExpected(s, ctx);
    const decided = decideChange(s, action, {
      ...idsOf(ctx),
      reason: ctx.reason,
      paymentId: ctx.paymentId,
    });
    const view = viewOf(decided.state);
    if (action === "cancel") {
      const { policy, startsAt } = await q.cancellationTerms(sql, s.propertyId, arrivalOf(s.items));
      view.refund = cancellationRefund(s, policy, startsAt, ctx.now);
    }
    const command = withKey(decided.command, ctx.idempotency, view);
    const outcome = await apply(sql, command, ctx.now);
    if (outcome === "applied") {
      forgetReleased(ctx.soldOut, command, s);
      return view;
    }
    if (outcome === "replay") return null;
    if (outcome !== "conflict" || read === REREADS) throw refusal(outcome);
  }
}

/**
 * Changes dates, quantities or seats of a pending or confirmed reservation atomically: the new
 * inventory is taken and the old released in one command, or nothing changes (409 `sold_out`
 * when the new one is not there, 400 `date_in_past` for a date before today at the property).
 * A change that raises the total is not made yet: the new inventory it adds is held beside the
 * old and the view shows it as `pendingModification` until the difference is authorized
 * (modify.ts); 409 `modification_pending` while one waits. The answer says the new total and
 * what happens on the card (`adjustment`); 412 `precondition_failed` when the reservation is not
 * at a version of `ctx.expectVersions`. Returns null when `ctx.idempotency` was used before (the
 * caller replays that answer).
 */
export async function modifyReservation(
  sql: Sql,
  id: string,
  requests: ItemRequest[],
  ctx: Ctx & { maxQuantity: number },
): Promise<ReservationView | null> {
  for (let read = 1;; read++) {
    const s = await readOne(sql, id, ctx);
    assertExpected(s, ctx);
    const { items } = await resolve(sql, s.propertyId, requests, ctx.maxQuantity, ctx.now);
    const { rows } = await q.quote(sql, needsOf(items));
    const missing = rows.filter((r) => r.free < 0);
    if (missing.length) {
      throw new SoldOut(
        shortageMessage(missing.map((r) => ({ resourceId: r.resource_id, date: r.date }))),
      );
    }
    const prices = new Map(rows.map((r) => [nightKey(r.resource_id, r.date), r.price]));
    const decided = decideModify(s, items, (r, d) => prices.get(nightKey(r, d))!, idsOf(ctx));
    const view = viewOf(decided.state);
    view.adjustment = adjustmentOf(s, decided.state.pendingChange?.total ?? decided.state.total);
    const command = withKey(decided.command, ctx.idempotency, view, modificationStatus(view));
    const outcome = await apply(sql, command, ctx.now);
    if (outcome === "applied") {
      forgetReleased(ctx.soldOut, command, s);
      return view;
    }
    if (outcome === "replay") return null;
    const again = outcome === "conflict" || outcome === "price_changed";
    if (!again || read === REREADS) throw refusal(outcome);
  }
}
