/**
 * The booking engine's one door for decisions: `decide(command, state, ctx)` turns a command
 * and the reservation as it was read (null for a new hold or a price) into what `booking_apply`
 * writes, the events it publishes, the inventory deltas, and the reservation after it. Pure:
 * the time (`now`) and the ids (`newId`) come in with `ctx`; nothing here does I/O, reads a
 * clock or draws an id. The api (booking, state changes, modification), the reservations
 * consumer, the inventory-prices consumer and the hold sweeper all decide through it.
 */
import { NotFound } from "../errors/mod.ts";
import type { Envelope } from "../events/mod.ts";
import type { Action, Item } from "./domain.ts";
import { needsOf } from "./domain.ts";
import type { PriceOf, ReservationState } from "./state.ts";
import type { Delta } from "./rows.ts";
import { deltasOf } from "./rows.ts";
import type { ChangeCommand, Command, HoldCommand, NoneCommand, PriceCommand } from "./write.ts";
import type { BookingRequest } from "./hold.ts";
import { decideHold } from "./hold.ts";
import { decideChange } from "./transition.ts";
import type { ModificationPayment } from "./modify.ts";
import { decideModificationOutcome, decideModify } from "./modify.ts";

/** When, under which correlation (and causation) id, and where new ids come from. */
export interface DecideCtx {
  now: Date;
  newId: () => string;
  correlationId: string;
  causationId?: string | null;
}

/** Place a new pending reservation holding its units and seats. */
export interface HoldAsked {
  type: "hold";
  booking: BookingRequest;
}

/** Confirm, fail, expire, cancel, check in or check out a reservation. */
export interface StatusAsked {
  type: Action;
  /** Why, for the history and the event. */
  reason?: string;
  /** The authorized payment a confirmation records. */
  paymentId?: string;
}

/** Change the lines of a reservation to `items`, priced by `priceOf` (a quote). */
export interface ModifyAsked {
  type: "modify";
  items: Item[];
  priceOf: PriceOf;
}

/** The payment's answer to the difference of the pending modification `modificationId`. */
export interface SettleModificationAsked {
  type: "settleModification";
  modificationId: string;
  payment: ModificationPayment;
}

/** A new base price for one (resource, date). */
export interface PriceAsked {
  type: "price";
  resourceId: string;
  date: string;
  price: number;
}

/** Everything the booking engine can be asked to decide. */
export type BookingCommand =
  | HoldAsked
  | StatusAsked
  | ModifyAsked
  | SettleModificationAsked
  | PriceAsked;

/** What a decision of one reservation makes: its command, event and state after it. */
export interface Change<C extends Command = ChangeCommand> {
  command: C;
  event: Envelope;
  state: ReservationState;
}

/** A decision: what to write, what it publishes, what it does to inventory, what it leaves. */
export interface Decided<
  C extends Command = Command,
  S extends ReservationState | null = ReservationState,
> {
  /** The command for `booking_apply` (`none` when nothing is left to do). */
  command: C;
  /** The events it publishes through the outbox, stamped `ctx.now` with ids of `ctx.newId`. */
  events: Envelope[];
  /** The net change of held and sold units per (resource, date). */
  deltas: Delta[];
  /** The reservation after it (null for a price). */
  state: S;
}

/**
 * Decides `command` on `state` at `ctx.now`. Refusals are domain errors (409
 * `invalid_transition`, `hold_expired`, `modification_pending`...); a command on a reservation
 * that was not found is 404 `not_found`. A payment's answer to a modification that no longer
 * waits decides a `none` command.
 */
export function decide(c: HoldAsked, s: null, ctx: DecideCtx): Decided<HoldCommand>;
export function decide(c: PriceAsked, s: null, ctx: DecideCtx): Decided<PriceCommand, null>;
export function decide(
  c: StatusAsked | ModifyAsked,
  s: ReservationState,
  ctx: DecideCtx,
): Decided<ChangeCommand>;
export function decide(
  c: SettleModificationAsked,
  s: ReservationState,
  ctx: DecideCtx,
): Decided<ChangeCommand | NoneCommand>;
export function decide(
  c: BookingCommand,
  s: ReservationState | null,
  ctx: DecideCtx,
): Decided<Command, ReservationState | null>;
export function decide(
  c: BookingCommand,
  s: ReservationState | null,
  ctx: DecideCtx,
): Decided<Command, ReservationState | null> {
  if (c.type === "hold") {
    const { command, event, state } = decideHold(c.booking, ctx);
    return { command, events: [event], deltas: deltasOf(needsOf(state.items), "held", 1), state };
  }
  if (c.type === "price") {
    const { resourceId, date, price } = c;
    return {
      command: { kind: "price", resourceId, date, price },
      events: [],
      deltas: [],
      state: null,
    };
  }
  if (!s) throw new NotFound("no such reservation");
  if (c.type === "settleModification") {
    const settled = decideModificationOutcome(s, c.modificationId, c.payment, ctx);
    return settled
      ? decided(settled)
      : { command: { kind: "none" }, events: [], deltas: [], state: s };
  }
  return decided(
    c.type === "modify" ? decideModify(s, c.items, c.priceOf, ctx) : decideChange(s, c, ctx),
  );
}

const decided = ({ command, event, state }: Change): Decided<ChangeCommand> => ({
  command,
  events: [event],
  deltas: command.deltas,
  state,
});
