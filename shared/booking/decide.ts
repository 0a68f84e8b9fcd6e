/**
 * The booking engine's decisions, pure: from a reservation as it was read (or a prepared
 * booking) and a request, the command for `booking_apply`, the event it publishes and the view
 * the client gets. Time and ids come in as arguments; nothing here does I/O.
 */
import { Conflict } from "../errors/mod.ts";
import type { EventType } from "../events/mod.ts";
import type { Envelope } from "../events/mod.ts";
import { makeEvent } from "../events/mod.ts";
import type { Action, Item, Status } from "./domain.ts";
import {
  arrivalOf,
  confirmationNumber,
  datesIn,
  decideTransition,
  inventoryState,
  localDate,
  needsOf,
  priceItems,
} from "./domain.ts";
import type { ChangeCommand, HoldCommand, LineRow, SeatRow } from "./write.ts";
import { deltasOf, extrasOf, giveBack, netDeltas, outboxRow } from "./write.ts";
import type { PendingChange } from "./modify.ts";
import type { Adjustment, Refund } from "./money.ts";

/** Who asks, when, under which correlation id, and where new ids come from. */
export interface DecideCtx {
  now: Date;
  newId: () => string;
  correlationId: string;
  causationId?: string | null;
}

/** The unit price a booking or modification was priced at, per (resource, date). */
export interface BookedRate {
  resourceId: string;
  date: string;
  price: number;
}

/** A reservation as stored: its row and its lines. */
export interface ReservationState {
  id: string;
  propertyId: string;
  userId: string;
  apiKeyId: string;
  confirmationNumber: string;
  status: Status;
  version: number;
  guest: { name: string; email: string };
  total: number;
  currency: string;
  /** The property's IANA time zone, where its dates are judged. */
  timezone: string;
  paymentId: string | null;
  holdExpiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
  items: Item[];
  amounts: number[];
  pendingChange: PendingChange | null;
}

/** A booked line as clients and events see it: the line and what it costs. */
export type ItemView = Item & { amount: number };

/** A reservation as clients see it. */
export interface ReservationView {
  id: string;
  confirmationNumber: string;
  propertyId: string;
  userId: string;
  status: Status;
  /** Bumped by every change (its ETag): a change may name the version it was decided on. */
  version: number;
  guest: { name: string; email: string };
  items: ItemView[];
  total: number;
  currency: string;
  holdExpiresAt: string;
  createdAt: string;
  updatedAt: string;
  /** Present while a modification that raised the total waits for its payment. */
  pendingModification?: { id: string; items: ItemView[]; total: number; requestedAt: string };
  /** In the answer to a cancellation: what goes back to the guest under the property's policy. */
  refund?: Refund;
  /** In the answer to a modification: the new total and what happens on the card. */
  adjustment?: Adjustment;
}

/**
 * The head of a change command for `s` as read, moving it to `status`: `booking_apply` refuses
 * it (`conflict`) when the reservation's status or version changed meanwhile.
 */
export function changeOf(s: ReservationState, status: Status, ctx: { now: Date }) {
  return {
    kind: "change" as const,
    at: ctx.now.toISOString(),
    reservationId: s.id,
    expectStatus: s.status,
    expectVersion: s.version,
    status,
  };
}

/** Lines priced at `amounts`, as clients and events see them. */
export function itemViews(items: Item[], amounts: number[]): ItemView[] {
  return items.map((it, i) => ({
    resourceId: it.resourceId,
    kind: it.kind,
    from: it.from,
    to: it.to,
    quantity: it.quantity,
    ...(it.seats ? { seats: it.seats } : {}),
    amount: amounts[i],
  }));
}

/** The view of a reservation state. */
export function viewOf(s: ReservationState): ReservationView {
  return {
    id: s.id,
    confirmationNumber: s.confirmationNumber,
    propertyId: s.propertyId,
    userId: s.userId,
    status: s.status,
    version: s.version,
    guest: s.guest,
    items: itemViews(s.items, s.amounts),
    total: s.total,
    currency: s.currency,
    holdExpiresAt: s.holdExpiresAt.toISOString(),
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    ...(s.pendingChange
      ? {
        pendingModification: {
          id: s.pendingChange.id,
          items: itemViews(s.pendingChange.items, s.pendingChange.amounts),
          total: s.pendingChange.total,
          requestedAt: s.pendingChange.requestedAt,
        },
      }
      : {}),
  };
}

/** Stored lines of items priced at `amounts`. */
export function lineRows(items: Item[], amounts: number[]): LineRow[] {
  return items.map((it, i) => ({
    line: i + 1,
    resource_id: it.resourceId,
    kind: it.kind,
    date_from: it.from,
    date_to: it.to,
    quantity: it.quantity,
    seats: it.seats ?? null,
    amount: amounts[i],
  }));
}

/** Every named seat of `items` on every date. */
export function seatRows(items: Item[]): SeatRow[] {
  return items.flatMap((it) =>
    (it.seats ?? []).flatMap((s) =>
      datesIn(it.from, it.to).map((d) => ({ r: it.resourceId, d, s }))
    )
  );
}

/** What every reservation event says of the reservation. */
export const refOf = (s: ReservationState) => ({
  reservationId: s.id,
  confirmationNumber: s.confirmationNumber,
  userId: s.userId,
});

/** Unit price per (resource, date) as a lookup for `priceItems`. */
export type PriceOf = (resourceId: string, date: string) => number;

/** The rate each (resource, date) of the items was priced at, in (resource, date) order. */
export function ratesOf(items: Item[], priceOf: PriceOf): BookedRate[] {
  return needsOf(items)
    .map((n) => ({ resourceId: n.resourceId, date: n.date, price: priceOf(n.resourceId, n.date) }))
    .sort((a, b) => a.resourceId.localeCompare(b.resourceId) || a.date.localeCompare(b.date));
}

/** What a booking asks for, checked against the catalogue and priced by a quote. */
export interface BookingRequest {
  propertyId: string;
  userId: string;
  guest: { name: string; email: string };
  items: Item[];
  currency: string;
  timezone: string;
  paymentToken: string;
  apiKeyId: string;
  /** The confirmation sequence number drawn with the quote. */
  seq: number;
  priceOf: PriceOf;
  holdMinutes: number;
  idempotency: { key: string; requestHash: string; expiresAt: Date } | null;
}

/** A new pending reservation: the hold command, and the answer the client gets. */
export function decideHold(b: BookingRequest, ctx: DecideCtx) {
  const id = ctx.newId();
  const { amounts, total } = priceItems(b.items, b.priceOf);
  const state: ReservationState = {
    id,
    propertyId: b.propertyId,
    userId: b.userId,
    apiKeyId: b.apiKeyId,
    confirmationNumber: confirmationNumber(b.seq, ctx.now),
    status: "pending",
    version: 0,
    guest: b.guest,
    total,
    currency: b.currency,
    timezone: b.timezone,
    paymentId: null,
    holdExpiresAt: new Date(ctx.now.getTime() + b.holdMinutes * 60_000),
    createdAt: ctx.now,
    updatedAt: ctx.now,
    items: b.items,
    amounts,
    pendingChange: null,
  };
  const view = viewOf(state);
  const created = makeEvent("reservation.created", b.propertyId, {
    reservationId: id,
    confirmationNumber: state.confirmationNumber,
    userId: b.userId,
    items: view.items,
    total,
    currency: b.currency,
    holdExpiresAt: view.holdExpiresAt,
    rates: ratesOf(b.items, b.priceOf),
  }, { ...ctx, id: ctx.newId() });
  const command: HoldCommand = {
    kind: "hold",
    at: ctx.now.toISOString(),
    idempotency: b.idempotency && {
      apiKeyId: b.apiKeyId,
      key: b.idempotency.key,
      requestHash: b.idempotency.requestHash,
      expiresAt: b.idempotency.expiresAt.toISOString(),
    },
    answer: view,
    needs: needsOf(b.items).map((n) => ({
      r: n.resourceId,
      d: n.date,
      q: n.quantity,
      p: b.priceOf(n.resourceId, n.date),
    })),
    reservation: {
      id,
      propertyId: b.propertyId,
      userId: b.userId,
      apiKeyId: b.apiKeyId,
      confirmationNumber: state.confirmationNumber,
      guestName: b.guest.name,
      guestEmail: b.guest.email,
      total,
      currency: b.currency,
      paymentToken: b.paymentToken,
      holdExpiresAt: view.holdExpiresAt,
    },
    items: lineRows(b.items, amounts),
    seats: seatRows(b.items),
    history: [{ reservation_id: id, status: "pending", reason: "hold placed" }],
    events: [outboxRow(created)],
  };
  return { command, view, state };
}

const eventOf: Record<Action, EventType> = {
  confirm: "reservation.confirmed",
  fail: "reservation.failed",
  expire: "reservation.expired",
  cancel: "reservation.cancelled",
  checkIn: "reservation.checked_in",
  checkOut: "reservation.checked_out",
};

/** A decided change: the command, its event, and the reservation after it. */
export interface Decided {
  command: ChangeCommand;
  event: Envelope;
  state: ReservationState;
}

/**
 * Moves a reservation through `action`: 409 `invalid_transition` when its state does not allow
 * it, `hold_expired` when a payment comes after the hold, `hold_active` when an expiry comes
 * before it, `too_early` for a check-in before the arrival date at the property. Held units
 * become sold on confirmation; a release frees units and seats.
 */
export function decideChange(
  s: ReservationState,
  action: Action,
  ctx: DecideCtx & { reason?: string; paymentId?: string },
): Decided {
  const next = decideTransition(s.status, action);
  if (action === "confirm" && s.holdExpiresAt <= ctx.now) {
    throw new Conflict("the hold expired before the payment arrived", "hold_expired");
  }
  if (action === "expire" && s.holdExpiresAt > ctx.now) {
    throw new Conflict("the hold has not expired yet", "hold_active");
  }
  if (action === "checkIn") {
    const arrival = arrivalOf(s.items);
    const today = localDate(ctx.now, s.timezone);
    if (today < arrival) {
      throw new Conflict(
        `check-in opens on ${arrival}; it is ${today} at the property`,
        "too_early",
      );
    }
  }
  const before = inventoryState(s.status);
  const after = inventoryState(next);
  const needs = needsOf(s.items);
  // A release drops a pending modification too, and gives back what it held.
  const dropped = after === "none" ? s.pendingChange : null;
  const deltas = netDeltas([
    ...(before === after || before === "none" ? [] : deltasOf(needs, before, -1)),
    ...(before === after || after === "none" ? [] : deltasOf(needs, after, 1)),
    ...(dropped ? giveBack(extrasOf(s.items, dropped.items)) : []),
  ]);
  const reason = ctx.reason ?? null;
  const ref = refOf(s);
  const data = action === "confirm"
    ? { ...ref, paymentId: ctx.paymentId ?? s.paymentId ?? "unknown" }
    : action === "fail"
    ? { ...ref, reason: reason ?? "payment failed" }
    : action === "cancel"
    ? { ...ref, reason: reason ?? "cancelled by request", previousStatus: s.status }
    : ref;
  const event = makeEvent(eventOf[action], s.propertyId, data as never, {
    ...ctx,
    id: ctx.newId(),
  });
  const command: ChangeCommand = {
    ...changeOf(s, next, ctx),
    ...(ctx.paymentId ? { paymentId: ctx.paymentId } : {}),
    deltas,
    releaseSeats: after === "none" && before !== "none",
    ...(dropped ? { pendingChange: null } : {}),
    history: [{ reservation_id: s.id, status: next, reason }],
    events: [outboxRow(event)],
  };
  const state = {
    ...s,
    status: next,
    version: s.version + 1,
    paymentId: ctx.paymentId ?? s.paymentId,
    updatedAt: ctx.now,
    pendingChange: dropped ? null : s.pendingChange,
  };
  return { command, event, state };
}
