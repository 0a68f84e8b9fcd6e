/**
 * The decision to move a reservation through a state change, pure: confirm, fail, expire,
 * cancel, check in, check out, with what each does to inventory.
 */
import { Conflict } from "../errors/mod.ts";
import type { EventType } from "../events/mod.ts";
import { makeEvent } from "../events/mod.ts";
import type { Action } from "./domain.ts";
import { arrivalOf, decideTransition, inventoryState, localDate, needsOf } from "./domain.ts";
import type { ReservationState } from "./state.ts";
import { refOf } from "./state.ts";
import { changeOf, deltasOf, extrasOf, giveBack, netDeltas, outboxRow } from "./rows.ts";
import type { Change, DecideCtx, StatusAsked } from "./decide.ts";

/** The event each state change publishes. */
const eventOf: Record<Action, EventType> = {
  confirm: "reservation.confirmed",
  fail: "reservation.failed",
  expire: "reservation.expired",
  cancel: "reservation.cancelled",
  checkIn: "reservation.checked_in",
  checkOut: "reservation.checked_out",
};

/**
 * Moves a reservation through `action`: 409 `invalid_transition` when its state does not allow
 * it, `hold_expired` when a payment comes after the hold, `hold_active` when an expiry comes
 * before it, `too_early` for a check-in before the arrival date at the property. Held units
 * become sold on confirmation; a release frees units and seats, and drops a pending
 * modification with what it held.
 */
export function decideChange(s: ReservationState, asked: StatusAsked, ctx: DecideCtx): Change {
  const action = asked.type;
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
  const dropped = after === "none" ? s.pendingChange : null;
  const deltas = netDeltas([
    ...(before === after || before === "none" ? [] : deltasOf(needs, before, -1)),
    ...(before === after || after === "none" ? [] : deltasOf(needs, after, 1)),
    ...(dropped ? giveBack(extrasOf(s.items, dropped.items)) : []),
  ]);
  const reason = asked.reason ?? null;
  const ref = refOf(s);
  const data = action === "confirm"
    ? { ...ref, paymentId: asked.paymentId ?? s.paymentId ?? "unknown" }
    : action === "fail"
    ? { ...ref, reason: reason ?? "payment failed" }
    : action === "cancel"
    ? { ...ref, reason: reason ?? "cancelled by request", previousStatus: s.status }
    : ref;
  const event = makeEvent(eventOf[action], s.propertyId, data as never, {
    ...ctx,
    id: ctx.newId(),
  });
  return {
    command: {
      ...changeOf(s, next, ctx),
      ...(asked.paymentId ? { paymentId: asked.paymentId } : {}),
      deltas,
      releaseSeats: after === "none" && before !== "none",
      ...(dropped ? { pendingChange: null } : {}),
      history: [{ reservation_id: s.id, status: next, reason }],
      events: [outboxRow(event)],
    },
    event,
    state: {
      ...s,
      status: next,
      version: s.version + 1,
      paymentId: asked.paymentId ?? s.paymentId,
      updatedAt: ctx.now,
      pendingChange: dropped ? null : s.pendingChange,
    },
  };
}
