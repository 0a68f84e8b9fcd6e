/** The decision to place a hold, pure: a new pending reservation holding its inventory. */
import type { Envelope } from "../events/mod.ts";
import { makeEvent } from "../events/mod.ts";
import type { Item } from "./domain.ts";
import { confirmationNumber, needsOf, priceItems } from "./domain.ts";
import type { PriceOf, ReservationState } from "./state.ts";
import { ratesOf, viewOf } from "./state.ts";
import { lineRows, outboxRow, seatRows } from "./rows.ts";
import type { HoldCommand } from "./write.ts";
import type { DecideCtx } from "./decide.ts";

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

/**
 * A new pending reservation, created at `ctx.now` and held until `holdMinutes` later: the hold
 * command (with the answer stored under its idempotency key), its `reservation.created` event
 * and the reservation as it will be.
 */
export function decideHold(
  b: BookingRequest,
  ctx: DecideCtx,
): { command: HoldCommand; event: Envelope; state: ReservationState } {
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
  const event = makeEvent("reservation.created", b.propertyId, {
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
    events: [outboxRow(event)],
  };
  return { command, event, state };
}
