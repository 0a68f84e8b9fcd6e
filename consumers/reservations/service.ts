/**
 * The reservations service, the consumer side of the booking engine: `payment.authorized`
 * confirms a pending reservation, `payment.failed` fails it and releases its inventory. The
 * engine's change, its events and the inbox row commit in the handler's one transaction.
 *
 * An authorization that comes after the hold has passed does not confirm: the reservation is
 * expired here (if the sweeper has not done so yet) and its `reservation.expired` makes the
 * payments service void the authorization. One that finds the reservation already expired,
 * failed or cancelled changes nothing here: the payments service voids it on that event.
 */
import type { Sql } from "../../shared/db/db.ts";
import { changeStatusIn } from "../../shared/booking/mod.ts";
import { DomainError } from "../../shared/errors/errors.ts";
import { log } from "../../shared/log/log.ts";
import { defineService, type EventOf } from "../runtime/mod.ts";

/** What the reservations service needs. */
export interface ReservationsDeps {
  /** The clock the hold is checked against (default: real time). */
  now?: () => Date;
}

/**
 * What to do when the engine refuses a change: `expire` after an authorization that came too
 * late, `ignore` when the reservation has moved on (already final, or unknown here).
 */
export function onRefusal(code: string, action: "confirm" | "fail"): "expire" | "ignore" {
  return action === "confirm" && code === "hold_expired" ? "expire" : "ignore";
}

/** The reservations service, ready for `runService`. */
export function reservationsService(deps: ReservationsDeps = {}) {
  const now = deps.now ?? (() => new Date());

  async function apply(
    tx: Sql,
    event: EventOf<"payment.authorized" | "payment.failed">,
    action: "confirm" | "fail",
  ) {
    const meta = { now: now(), correlationId: event.correlationId, causationId: event.id };
    const id = event.data.reservationId;
    try {
      if (event.type === "payment.authorized") {
        const paymentId = event.data.paymentId;
        await changeStatusIn(tx, id, "confirm", {
          ...meta,
          paymentId,
          reason: "payment authorized",
        });
      } else {
        await changeStatusIn(tx, id, "fail", {
          ...meta,
          reason: `payment failed: ${event.data.reason}`,
        });
      }
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const next = onRefusal(err.code, action);
      log.info("payment outcome not applied", { reservationId: id, code: err.code, next });
      if (next === "expire") {
        await changeStatusIn(tx, id, "expire", {
          ...meta,
          reason: "hold expired before the payment was authorized",
        });
      }
    }
  }

  return defineService({
    name: "reservations",
    events: ["payment.authorized", "payment.failed"],
    async handle(tx, event) {
      await apply(tx, event, event.type === "payment.authorized" ? "confirm" : "fail");
    },
  });
}
