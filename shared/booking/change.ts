/**
 * Changing a reservation: a state change (cancel, check in, check out, and the payment's and
 * the hold's own) or a modification of its lines. Each reads the reservation without locks,
 * decides on it (decide.ts) and sends one command to `booking_apply`, which checks that what
 * was read still holds; when it does not, the operation reads again and decides again.
 */
import type { Sql } from "../db/mod.ts";
import type { Action, ItemRequest } from "./domain.ts";
import { arrivalOf, needsOf } from "./domain.ts";
import type { ReservationState, ReservationView } from "./state.ts";
import { viewOf } from "./state.ts";
import { seatRows } from "./rows.ts";
import { decide } from "./decide.ts";
import { adjustmentOf, cancellationRefund } from "./money.ts";
import type { ChangeCommand } from "./write.ts";
import type { Ctx, IdempotencyKey } from "./context.ts";
import { applyOne, decideCtxOf, refusal, REREADS } from "./context.ts";
import { assertExpected, readOne } from "./read.ts";
import { priceLookup, pricesOf, soldOutAt } from "./quote.ts";
import { resolve } from "./resources.ts";
import * as q from "./queries.ts";
import { SoldOutCache } from "./soldout.ts";

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
    const s = await readOne(sql, id, ctx.ownerKeyId);
    assertExpected(s, ctx);
    const decided = decide(
      { type: action, reason: ctx.reason, paymentId: ctx.paymentId },
      s,
      decideCtxOf(ctx),
    );
    const view = viewOf(decided.state);
    if (action === "cancel") {
      const { policy, startsAt } = await q.cancellationTerms(sql, s.propertyId, arrivalOf(s.items));
      view.refund = cancellationRefund(s, policy, startsAt, ctx.now);
    }
    const command = withKey(decided.command, ctx.idempotency, view);
    const outcome = await applyOne(sql, command, ctx.now);
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
    const s = await readOne(sql, id, ctx.ownerKeyId);
    assertExpected(s, ctx);
    const { items } = await resolve(sql, s.propertyId, requests, ctx.maxQuantity, ctx.now);
    const { rows } = await q.quote(sql, needsOf(items));
    const missing = rows.filter((r) => r.free < 0);
    if (missing.length) throw soldOutAt(missing);
    const decided = decide(
      { type: "modify", items, priceOf: priceLookup(pricesOf(rows)) },
      s,
      decideCtxOf(ctx),
    );
    const view = viewOf(decided.state);
    view.adjustment = adjustmentOf(s, decided.state.pendingChange?.total ?? decided.state.total);
    const command = withKey(decided.command, ctx.idempotency, view, modificationStatus(view));
    const outcome = await applyOne(sql, command, ctx.now);
    if (outcome === "applied") {
      forgetReleased(ctx.soldOut, command, s);
      return view;
    }
    if (outcome === "replay") return null;
    const again = outcome === "conflict" || outcome === "price_changed";
    if (!again || read === REREADS) throw refusal(outcome);
  }
}
