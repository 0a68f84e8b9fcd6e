/**
 * The typed side of the booking engine's one write path, `booking_apply` (migration 0004): a
 * batch of commands decided in TypeScript, sent as one statement that takes every lock of the
 * batch up front in one global order and returns each command's own outcome.
 */
import type { Sql } from "../db/mod.ts";
import type { InboxRef } from "../events/mod.ts";
import { sealEvent } from "../events/mod.ts";
import { hash32, lockKey, sortForLocks } from "./domain.ts";
import type { PendingChange } from "./state.ts";
import type { Delta, HistoryRow, LineRow, OutboxRow, SeatRow } from "./rows.ts";

/** A command with its events as `booking_apply` inserts them: `payload` the signed envelope. */
async function sealed(c: Command): Promise<Command> {
  if (c.kind === "price" || !c.events?.length) return c;
  const events = await Promise.all(c.events.map(async ({ event, ...row }) => ({
    ...row,
    payload: await sealEvent(event),
  })));
  return { ...c, events } as unknown as Command;
}

/** An Idempotency-Key claimed by the command that applies; taken before, it makes a replay. */
export interface KeyClaim {
  apiKeyId: string;
  key: string;
  requestHash: string;
  expiresAt: string;
}

/** A new pending reservation holding its units and seats. */
export interface HoldCommand {
  kind: "hold";
  /** The command's time: the reservation's creation and its first history entry. */
  at: string;
  idempotency: KeyClaim | null;
  /** The answer stored under the idempotency key. */
  answer: unknown;
  /** Units per (resource, date) at the quoted price. */
  needs: { r: string; d: string; q: number; p: number }[];
  reservation: {
    id: string;
    propertyId: string;
    userId: string;
    apiKeyId: string;
    confirmationNumber: string;
    guestName: string;
    guestEmail: string;
    total: number;
    currency: string;
    paymentToken: string;
    holdExpiresAt: string;
  };
  items: LineRow[];
  seats: SeatRow[];
  history: HistoryRow[];
  events: OutboxRow[];
}

/** A change of an existing reservation, valid only while it is still as it was read. */
export interface ChangeCommand extends Partial<InboxRef> {
  kind: "change";
  /** The command's time: `updated_at` and the history entry. */
  at: string;
  reservationId: string;
  expectStatus: string;
  expectVersion: number;
  status: string;
  paymentId?: string;
  total?: number;
  /** Net change of held and sold per (resource, date). */
  deltas: Delta[];
  /** Prices the new lines were priced at (a modification); checked under the locks. */
  prices?: { r: string; d: string; p: number }[];
  releaseSeats: boolean;
  /** The request's key (stored with `answer`), or none. */
  idempotency?: KeyClaim;
  /** The answer stored under the idempotency key, and its status (200 unless given). */
  answer?: unknown;
  answerStatus?: 200 | 202;
  /** Seats to hold (a modification: the new seats). */
  seats?: SeatRow[];
  /** New lines (a modification). */
  items?: LineRow[];
  /** Sets the modification waiting for its payment; null drops it; absent leaves it. */
  pendingChange?: PendingChange | null;
  history: HistoryRow[];
  events: OutboxRow[];
}

/** A new base price for one (resource, date). */
export interface PriceCommand extends Partial<InboxRef> {
  kind: "price";
  resourceId: string;
  date: string;
  price: number;
}

/**
 * Nothing to change: a consumed event that is only recorded as applied (with its inbox ref), or
 * a decision that found nothing left to do.
 */
export interface NoneCommand extends Partial<InboxRef> {
  kind: "none";
  events?: OutboxRow[];
}

export type Command =
  | HoldCommand
  | ChangeCommand
  | PriceCommand
  | NoneCommand;

export type Outcome =
  | "placed"
  | "replay"
  | "applied"
  | "missing"
  | "sold_out"
  | "seat_taken"
  | "price_changed"
  | "conflict"
  | "skipped"
  | "duplicate";

/** Every (resource, date) a command touches. */
function keysOf(c: Command): { resourceId: string; date: string }[] {
  switch (c.kind) {
    case "hold":
      return c.needs.map((n) => ({ resourceId: n.r, date: n.d }));
    case "change":
      return [...c.deltas, ...(c.prices ?? [])].map((d) => ({ resourceId: d.r, date: d.d }));
    case "price":
      return [{ resourceId: c.resourceId, date: c.date }];
    case "none":
      return [];
  }
}

/**
 * The advisory locks of a batch, deduplicated, in the one global order: (resource, date) keys
 * by `sortForLocks`, then idempotency keys (a second request with the same key waits for the
 * first one's commit and then finds its answer).
 */
export function batchLocks(commands: Command[]): [number, number][] {
  const seen = new Set<string>();
  const out: [number, number][] = [];
  const add = (k: [number, number]) => {
    const id = `${k[0]}:${k[1]}`;
    if (!seen.has(id)) seen.add(id), out.push(k);
  };
  for (const p of sortForLocks(commands.flatMap(keysOf))) add(lockKey(p.resourceId, p.date));
  const idem = commands.flatMap((c) =>
    (c.kind === "hold" || c.kind === "change") && c.idempotency
      ? [[hash32(c.idempotency.apiKeyId), hash32(`idem\u0000${c.idempotency.key}`)] as const]
      : []
  );
  for (const k of idem.toSorted((a, b) => a[0] - b[0] || a[1] - b[1])) add([k[0], k[1]]);
  return out;
}

/**
 * Sends a batch of commands to `booking_apply`, their events signed, and returns each one's
 * outcome, in order. With
 * `service`, commands that carry an event id record it in that service's inbox, in the same
 * statement; a duplicate is reported and not applied again.
 */
export async function applyCommands(
  sql: Sql,
  batch: { now: Date; commands: Command[]; service?: string },
): Promise<Outcome[]> {
  if (batch.commands.length === 0) return [];
  const locks = batchLocks(batch.commands);
  const commands = await Promise.all(batch.commands.map(sealed));
  const [{ outcomes }] = await sql<{ outcomes: Outcome[] }[]>`
    select booking_apply(${
    sql.json({
      now: batch.now.toISOString(),
      service: batch.service ?? null,
      lockA: locks.map((k) => k[0]),
      lockB: locks.map((k) => k[1]),
      commands,
    } as never)
  }) as outcomes`;
  return outcomes;
}
