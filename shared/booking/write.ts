/**
 * The typed side of the booking engine's one write path, `booking_apply` (migration 0004): a
 * batch of commands decided in TypeScript, sent as one statement that takes every lock of the
 * batch up front in one global order and returns each command's own outcome.
 */
import type { Sql } from "../db/mod.ts";
import type { Envelope, InboxRef } from "../events/mod.ts";
import type { PendingChange } from "./modify.ts";
import { sealEvent, subjectOf } from "../events/mod.ts";
import type { Item } from "./domain.ts";
import { hash32, lockKey, needsOf, sortForLocks } from "./domain.ts";
import type { Need } from "./nights.ts";
import { nightKey } from "./nights.ts";

/**
 * An event for the outbox: the columns of its row, and the event, which `applyCommands` signs
 * into the row's `payload` as it sends the batch (deciding is synchronous, signing is not).
 */
export interface OutboxRow {
  id: string;
  property_id: string;
  subject: string;
  type: string;
  event: Envelope;
}

/** The outbox row of an event. */
export function outboxRow(e: Envelope): OutboxRow {
  return {
    id: e.id,
    property_id: e.propertyId,
    subject: subjectOf(e.type, e.propertyId),
    type: e.type,
    event: e,
  };
}

/** A command with its events as `booking_apply` inserts them: `payload` the signed envelope. */
async function sealed(c: Command): Promise<Command> {
  if (c.kind === "price" || !c.events?.length) return c;
  const events = await Promise.all(c.events.map(async ({ event, ...row }) => ({
    ...row,
    payload: await sealEvent(event),
  })));
  return { ...c, events } as unknown as Command;
}

/** A reservation line as stored. */
export interface LineRow {
  line: number;
  resource_id: string;
  kind: string;
  date_from: string;
  date_to: string;
  quantity: number;
  seats: string[] | null;
  amount: number;
}

/** A named seat on a date. */
export interface SeatRow {
  r: string;
  d: string;
  s: string;
}

/** A status change recorded in the reservation's history. */
export interface HistoryRow {
  reservation_id: string;
  status: string;
  reason: string | null;
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
  deltas: { r: string; d: string; h: number; s: number }[];
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

/** A consumed event that changes nothing here but is recorded as applied. */
export interface NoneCommand extends InboxRef {
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

/** Units as deltas of held (`as` "held") or sold, with `sign` +1 to take and -1 to give back. */
export function deltasOf(needs: Need[], as: "held" | "sold", sign: 1 | -1) {
  return needs.map((n) => ({
    r: n.resourceId,
    d: n.date,
    h: as === "held" ? sign * n.quantity : 0,
    s: as === "sold" ? sign * n.quantity : 0,
  }));
}

/** Sums deltas per (resource, date), dropping those that cancel out. */
export function netDeltas(deltas: { r: string; d: string; h: number; s: number }[]) {
  const byKey = new Map<string, { r: string; d: string; h: number; s: number }>();
  for (const x of deltas) {
    const k = nightKey(x.r, x.d);
    const cur = byKey.get(k);
    if (cur) cur.h += x.h, cur.s += x.s;
    else byKey.set(k, { ...x });
  }
  return [...byKey.values()].filter((x) => x.h !== 0 || x.s !== 0);
}

/** A net change of held and sold units of one (resource, date). */
export type Delta = { r: string; d: string; h: number; s: number };

/**
 * The units `after` needs beyond `before`, per (resource, date), as held deltas: what a pending
 * modification holds on top of the reservation's own units.
 */
export function extrasOf(before: Item[], after: Item[]): Delta[] {
  return netDeltas([
    ...deltasOf(needsOf(after), "held", 1),
    ...deltasOf(needsOf(before), "held", -1),
  ])
    .filter((x) => x.h > 0);
}

/** Gives back held deltas (the extras of a pending modification). */
export const giveBack = (held: Delta[]): Delta[] => held.map((x) => ({ ...x, h: -x.h }));
