/**
 * What every booking operation (place, change, modify) shares around its decision: who asks and
 * when (`Ctx`), the decision's clock and ids, sending its command with the others in flight, and
 * the error a refused command becomes.
 */
import type { Sql } from "../db/mod.ts";
import { Conflict, SoldOut } from "../errors/mod.ts";
import { uuidv7 } from "../ids/mod.ts";
import type { SoldOutCache } from "./soldout.ts";
import type { DecideCtx } from "./decide.ts";
import type { Command, Outcome } from "./write.ts";
import { groupCommitOf } from "./group.ts";

/** A request's Idempotency-Key: scoped to the API key, with the request's hash, kept until then. */
export interface IdempotencyKey {
  apiKeyId: string;
  key: string;
  requestHash: string;
  expiresAt: Date;
}

/** Who asks, when, and under which correlation id. `ownerKeyId` limits to one API key's bookings. */
export interface Ctx {
  /** The caller's clock at the request: every time the operation writes is this one. */
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

/** How many times an operation reads again after `booking_apply` found its reading stale. */
export const REREADS = 5;

/** The clock and ids a decision gets from an operation's `Ctx`. */
export const decideCtxOf = (ctx: Ctx): DecideCtx => ({
  now: ctx.now,
  correlationId: ctx.correlationId,
  causationId: ctx.causationId,
  newId: ctx.newId ?? (() => uuidv7(ctx.now.getTime())),
});

/** Applies one command of a request, grouped with the others in flight (group commit). */
export const applyOne = (sql: Sql, command: Command, now: Date): Promise<Outcome> =>
  groupCommitOf(sql).apply(command, now);

/** A refused hold or modification as the error the client gets. */
export function refusal(outcome: Outcome): Error {
  if (outcome === "sold_out") return new SoldOut("not enough left on one of the dates");
  if (outcome === "seat_taken") return new SoldOut("one of the seats was just taken");
  return new Conflict(`the change could not be applied (${outcome})`);
}
