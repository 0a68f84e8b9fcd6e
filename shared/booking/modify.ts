/**
 * The booking engine's decisions about modifications, pure: a change of lines that costs no more
 * is made at once; one that raises the total waits for the difference to be authorized, holding
 * what it adds, and is then made or dropped by the payment's answer.
 */
import { Conflict } from "../errors/mod.ts";
import { makeEvent } from "../events/mod.ts";
import type { Item } from "./domain.ts";
import { assertModifiable, inventoryState, needsOf, priceItems } from "./domain.ts";
import { seatKey } from "./nights.ts";
import type { PendingChange, PriceOf, ReservationState } from "./state.ts";
import { itemViews, ratesOf, refOf } from "./state.ts";
import type { SeatRow } from "./rows.ts";
import {
  changeOf,
  deltasOf,
  extrasOf,
  giveBack,
  lineRows,
  netDeltas,
  outboxRow,
  seatRows,
} from "./rows.ts";
import type { ChangeCommand } from "./write.ts";
import type { Change, DecideCtx } from "./decide.ts";

/** The seats of both line sets, each once: what a pending modification holds. */
function seatsOfBoth(a: Item[], b: Item[]): SeatRow[] {
  const all = new Map(
    [...seatRows(a), ...seatRows(b)].map((x) => [seatKey(x.r, x.d, x.s), x]),
  );
  return [...all.values()];
}

/**
 * Changes the lines of a pending or confirmed reservation to `items` priced by `priceOf`. When
 * the total does not rise, at once: the new units are taken and the old ones given back in one
 * command (`reservation.modified`; the payment gives back the difference). When it rises, the
 * change waits for the difference to be authorized (`reservation.modification_requested`): the
 * reservation stays as it is and also holds what the new lines need beyond it, then
 * {@link decideModificationOutcome} applies or drops it. One modification waits at a time (409
 * `modification_pending`).
 */
export function decideModify(
  s: ReservationState,
  items: Item[],
  priceOf: PriceOf,
  ctx: DecideCtx,
): Change {
  assertModifiable(s.status);
  if (s.pendingChange) {
    throw new Conflict(
      "a modification of this reservation is waiting for its payment",
      "modification_pending",
    );
  }
  const { amounts, total } = priceItems(items, priceOf);
  const rates = ratesOf(items, priceOf);
  const newNeeds = needsOf(items);
  const prices = newNeeds.map((n) => ({
    r: n.resourceId,
    d: n.date,
    p: priceOf(n.resourceId, n.date),
  }));
  const change = { ...changeOf(s, s.status, ctx), prices, releaseSeats: true };
  // What both events say of the change: the new lines and total beside the old total.
  const changed = {
    ...refOf(s),
    items: itemViews(items, amounts),
    total,
    previousTotal: s.total,
    currency: s.currency,
    rates,
  };
  if (total > s.total) {
    const pending: PendingChange = {
      id: ctx.newId(),
      items,
      amounts,
      total,
      rates,
      requestedAt: ctx.now.toISOString(),
    };
    const state = { ...s, pendingChange: pending, version: s.version + 1, updatedAt: ctx.now };
    const event = makeEvent("reservation.modification_requested", s.propertyId, {
      ...changed,
      modificationId: pending.id,
    }, { ...ctx, id: ctx.newId() });
    const reason = `modification requested: ${s.total} to ${total}, awaiting payment`;
    const command: ChangeCommand = {
      ...change,
      deltas: extrasOf(s.items, items),
      seats: seatsOfBoth(s.items, items),
      pendingChange: pending,
      history: [{ reservation_id: s.id, status: s.status, reason }],
      events: [outboxRow(event)],
    };
    return { command, event, state };
  }
  const as = inventoryState(s.status) as "held" | "sold";
  const state: ReservationState = {
    ...s,
    items,
    amounts,
    total,
    version: s.version + 1,
    updatedAt: ctx.now,
  };
  const event = makeEvent("reservation.modified", s.propertyId, changed, {
    ...ctx,
    id: ctx.newId(),
  });
  const command: ChangeCommand = {
    ...change,
    total,
    deltas: netDeltas([...deltasOf(needsOf(s.items), as, -1), ...deltasOf(newNeeds, as, 1)]),
    seats: seatRows(items),
    items: lineRows(items, amounts),
    history: [{
      reservation_id: s.id,
      status: s.status,
      reason: `modified: ${s.total} to ${total}`,
    }],
    events: [outboxRow(event)],
  };
  return { command, event, state };
}

/** The payment's answer to a modification's difference. */
export type ModificationPayment = { ok: true } | { ok: false; reason: string };

/**
 * Applies or drops the pending modification `modificationId` by its payment's answer:
 * authorized, the reservation takes the new lines and total (`reservation.modified`), giving back
 * its old units and the extra hold; declined, it stays as it was and gives back the extra hold
 * (`reservation.modification_declined`). Null when that modification no longer waits (applied,
 * dropped, or the reservation was released meanwhile).
 */
export function decideModificationOutcome(
  s: ReservationState,
  modificationId: string,
  payment: ModificationPayment,
  ctx: DecideCtx,
): Change | null {
  const pending = s.pendingChange;
  const as = inventoryState(s.status);
  if (!pending || pending.id !== modificationId || as === "none") return null;
  const extras = giveBack(extrasOf(s.items, pending.items));
  const change = { ...changeOf(s, s.status, ctx), releaseSeats: true, pendingChange: null };
  if (payment.ok) {
    const state: ReservationState = {
      ...s,
      items: pending.items,
      amounts: pending.amounts,
      total: pending.total,
      pendingChange: null,
      version: s.version + 1,
      updatedAt: ctx.now,
    };
    const event = makeEvent("reservation.modified", s.propertyId, {
      ...refOf(s),
      modificationId,
      items: itemViews(pending.items, pending.amounts),
      total: pending.total,
      previousTotal: s.total,
      currency: s.currency,
      rates: pending.rates,
    }, { ...ctx, id: ctx.newId() });
    const reason = `modified: ${s.total} to ${pending.total}`;
    const command: ChangeCommand = {
      ...change,
      total: pending.total,
      deltas: netDeltas([
        ...deltasOf(needsOf(s.items), as, -1),
        ...deltasOf(needsOf(pending.items), as, 1),
        ...extras,
      ]),
      seats: seatRows(pending.items),
      items: lineRows(pending.items, pending.amounts),
      history: [{ reservation_id: s.id, status: s.status, reason }],
      events: [outboxRow(event)],
    };
    return { command, event, state };
  }
  const state = { ...s, pendingChange: null, version: s.version + 1, updatedAt: ctx.now };
  const event = makeEvent("reservation.modification_declined", s.propertyId, {
    ...refOf(s),
    modificationId,
    reason: payment.reason,
    total: s.total,
    requestedTotal: pending.total,
    currency: s.currency,
  }, { ...ctx, id: ctx.newId() });
  const reason = `modification declined: ${payment.reason}`;
  const command: ChangeCommand = {
    ...change,
    deltas: extras,
    seats: seatRows(s.items),
    history: [{ reservation_id: s.id, status: s.status, reason }],
    events: [outboxRow(event)],
  };
  return { command, event, state };
}
