/**
 * The reservations service, the consumer side of the booking engine: `payment.authorized`
 * confirms a pending reservation, `payment.failed` fails it and releases its inventory; the same
 * events with a `modificationId` apply or drop the modification whose difference they answer
 * (`decide` of a `settleModification`). A batch
 * of events is read, decided in pure code and written as one `booking_apply` statement with
 * the inbox rows (shared/booking/write.ts), so a paused worker holds no lock a booking needs.
 *
 * An authorization that comes after the hold has passed does not confirm: the reservation is
 * expired here (if the sweeper has not done so yet) and its `reservation.expired` makes the
 * payments service void the authorization. One that finds the reservation already expired,
 * failed or cancelled changes nothing here: the payments service voids it on that event.
 */
import type { Command } from "../../shared/booking/mod.ts";
import { applyCommands, decide, readReservations } from "../../shared/booking/mod.ts";
import type { ReservationState } from "../../shared/booking/mod.ts";
import { DomainError } from "../../shared/errors/mod.ts";
import { uuidv7 } from "../../shared/ids/mod.ts";
import { log } from "../../shared/log/mod.ts";
import type { Sql } from "../../shared/db/mod.ts";
import type { Applied, BatchEvent } from "../runtime/mod.ts";
import { defineService, withinEvent } from "../runtime/mod.ts";
import type { ReservationMetrics } from "../../shared/metrics/mod.ts";
import { Registry, reservationMetrics } from "../../shared/metrics/mod.ts";

/** What the reservations service needs. */
export interface ReservationsDeps {
  /** The clock the hold is checked against (default: real time). */
  now?: () => Date;
  /** Where pending → confirmed is timed (default: a registry of its own). */
  metrics?: ReservationMetrics;
}

type PaymentOutcome = BatchEvent<"payment.authorized" | "payment.failed">;

/** How often a batch is read again when reservations changed between the read and the write. */
const REREADS = 5;

/**
 * Most payment outcomes in one `booking_apply` statement: it holds the locks of all its dates
 * while it runs, and bookings of those dates wait for it, so it stays short.
 */
const STATEMENT = 100;

/**
 * What to do when the engine refuses a change: `expire` after an authorization that came too
 * late, `ignore` when the reservation has moved on (already final, or unknown here).
 */
export function onRefusal(code: string, action: "confirm" | "fail"): "expire" | "ignore" {
  return action === "confirm" && code === "hold_expired" ? "expire" : "ignore";
}

/**
 * The command a payment outcome makes of a reservation as read (pure): confirm or fail it, or
 * expire it when the authorization came too late, or nothing (recorded in the inbox all the
 * same). Returns the reservation after it.
 */
export function decidePaymentOutcome(
  b: PaymentOutcome,
  s: ReservationState | undefined,
  now: Date,
): { command: Command; state?: ReservationState } {
  const { event } = b;
  const none = { command: { kind: "none" as const, ...b.inbox } };
  if (!s) return none;
  const ctx = {
    now,
    newId: () => uuidv7(now.getTime()),
    correlationId: event.correlationId,
    causationId: event.id,
  };
  const { modificationId } = event.data;
  if (modificationId) {
    const payment = event.type === "payment.authorized"
      ? { ok: true as const }
      : { ok: false as const, reason: event.data.reason };
    const d = decide({ type: "settleModification", modificationId, payment }, s, ctx);
    return d.command.kind === "none"
      ? none
      : { command: { ...d.command, ...b.inbox }, state: d.state };
  }
  const action = event.type === "payment.authorized" ? "confirm" : "fail";
  const reason = event.type === "payment.authorized"
    ? "payment authorized"
    : `payment failed: ${event.data.reason}`;
  const paymentId = event.type === "payment.authorized" ? event.data.paymentId : undefined;
  try {
    const d = decide({ type: action, reason, paymentId }, s, ctx);
    return { command: { ...d.command, ...b.inbox }, state: d.state };
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const next = onRefusal(err.code, action);
    log.info("payment outcome not applied", { reservationId: s.id, code: err.code, next });
    if (next === "ignore") return none;
    const reason = "hold expired before the payment was authorized";
    const d = decide({ type: "expire", reason }, s, ctx);
    return { command: { ...d.command, ...b.inbox }, state: d.state };
  }
}

/** Who the reservations service is: what it reads (payment outcomes). */
export const reservations = {
  name: "reservations",
  events: ["payment.authorized", "payment.failed"],
} as const;

/** The reservations service, ready for `runService`. */
export function reservationsService(deps: ReservationsDeps = {}) {
  const now = deps.now ?? (() => new Date());
  const { confirmSeconds } = deps.metrics ?? reservationMetrics(new Registry());
  const service = defineService({
    name: reservations.name,
    events: reservations.events,
    async applyBatch(sql, batch) {
      const outcomes: Applied[] = [];
      for (let from = 0; from < batch.length; from += STATEMENT) {
        const part = batch.slice(from, from + STATEMENT);
        outcomes.push(...await applyPart(sql, part));
      }
      return outcomes;
    },
  });
  return service;

  /** Reads, decides and writes one part of a batch, reading again what changed meanwhile. */
  async function applyPart(sql: Sql, batch: PaymentOutcome[]): Promise<Applied[]> {
    const outcomes: Applied[] = [];
    let pending = batch.map((_, i) => i);
    for (let read = 1; pending.length; read++) {
      if (read > REREADS) {
        throw new Error(`reservations kept changing under ${pending.length} event(s)`);
      }
      const at = now();
      const ids = pending.map((i) => batch[i].event.data.reservationId);
      const states = await readReservations(sql, [...new Set(ids)]);
      const decided = pending.map((i) => {
        const b = batch[i];
        const id = b.event.data.reservationId;
        // In the event's span: the events the decision makes continue its trace.
        const d = withinEvent(b.event, () => decidePaymentOutcome(b, states.get(id), at));
        if (d.state) states.set(id, d.state);
        return d;
      });
      const commands = decided.map((d) => d.command);
      const results = await applyCommands(sql, { now: at, service: "reservations", commands });
      const again: number[] = [];
      results.forEach((r, k) => {
        if (r === "applied" || r === "duplicate") outcomes[pending[k]] = r;
        else again.push(pending[k]);
        const held = decided[k].state;
        if (r === "applied" && held?.status === "confirmed") {
          confirmSeconds.observe(Math.max(0, at.getTime() - held.createdAt.getTime()) / 1000);
        }
      });
      pending = again;
    }
    return outcomes;
  }
}
