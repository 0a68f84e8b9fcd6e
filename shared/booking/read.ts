/** Reading reservations: as stored (what decisions are made on) and as clients see them. */
import type { Sql } from "../db/mod.ts";
import { NotFound, PreconditionFailed } from "../errors/mod.ts";
import type { ReservationState } from "./state.ts";
import { viewOf } from "./state.ts";
import type { Ctx } from "./context.ts";
import * as q from "./queries.ts";

/** Reservations as stored, by id; ids not found are left out. */
export async function readReservations(
  sql: Sql,
  ids: string[],
): Promise<Map<string, ReservationState>> {
  const rows = await q.reservationStates(sql, ids);
  return new Map(rows.map((s) => [s.id, s]));
}

/** One reservation as stored; NotFound when absent or not the API key's (`ownerKeyId`). */
export async function readOne(
  sql: Sql,
  id: string,
  ownerKeyId?: string,
): Promise<ReservationState> {
  const s = (await readReservations(sql, [id])).get(id);
  if (!s || (ownerKeyId && s.apiKeyId !== ownerKeyId)) {
    throw new NotFound("no such reservation");
  }
  return s;
}

/**
 * 412 `precondition_failed` unless `s` is at one of the versions the caller expects. Checked on
 * every read a change is decided on: `booking_apply` refuses the command if the version moved
 * after the read, and the read that follows lands here.
 */
export function assertExpected(s: ReservationState, ctx: Pick<Ctx, "expectVersions">): void {
  if (ctx.expectVersions && !ctx.expectVersions.includes(s.version)) {
    throw new PreconditionFailed(
      `the reservation was changed since you read it: it is at version ${s.version} now ` +
        `(ETag "${s.version}"); read it again and decide on what it is now`,
    );
  }
}

/** A reservation with its history; NotFound when absent or not the caller's. */
export async function getReservation(sql: Sql, id: string, ownerKeyId?: string) {
  const s = await readOne(sql, id, ownerKeyId);
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
