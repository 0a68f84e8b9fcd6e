/**
 * The rows a decision hands to `booking_apply`, built purely: outbox rows of its events, lines,
 * named seats, history entries, and the inventory deltas (held and sold per (resource, date)).
 */
import type { Envelope } from "../events/mod.ts";
import { subjectOf } from "../events/mod.ts";
import type { Item, Status } from "./domain.ts";
import { datesIn, needsOf } from "./domain.ts";
import type { Need } from "./nights.ts";
import { nightKey } from "./nights.ts";
import type { ReservationState } from "./state.ts";

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

/** Stored lines of items priced at `amounts`. */
export function lineRows(items: Item[], amounts: number[]): LineRow[] {
  return items.map((it, i) => ({
    line: i + 1,
    resource_id: it.resourceId,
    kind: it.kind,
    date_from: it.from,
    date_to: it.to,
    quantity: it.quantity,
    seats: it.seats ?? null,
    amount: amounts[i],
  }));
}

/** A named seat on a date. */
export interface SeatRow {
  r: string;
  d: string;
  s: string;
}

/** Every named seat of `items` on every date. */
export function seatRows(items: Item[]): SeatRow[] {
  return items.flatMap((it) =>
    (it.seats ?? []).flatMap((s) =>
      datesIn(it.from, it.to).map((d) => ({ r: it.resourceId, d, s }))
    )
  );
}

/** A status change recorded in the reservation's history, at the command's time (`at`). */
export interface HistoryRow {
  reservation_id: string;
  status: string;
  reason: string | null;
}

/** A net change of held and sold units of one (resource, date). */
export type Delta = { r: string; d: string; h: number; s: number };

/** Units as deltas of held (`as` "held") or sold, with `sign` +1 to take and -1 to give back. */
export function deltasOf(needs: Need[], as: "held" | "sold", sign: 1 | -1): Delta[] {
  return needs.map((n) => ({
    r: n.resourceId,
    d: n.date,
    h: as === "held" ? sign * n.quantity : 0,
    s: as === "sold" ? sign * n.quantity : 0,
  }));
}

/** Sums deltas per (resource, date), dropping those that cancel out. */
export function netDeltas(deltas: Delta[]): Delta[] {
  const byKey = new Map<string, Delta>();
  for (const x of deltas) {
    const k = nightKey(x.r, x.d);
    const cur = byKey.get(k);
    if (cur) cur.h += x.h, cur.s += x.s;
    else byKey.set(k, { ...x });
  }
  return [...byKey.values()].filter((x) => x.h !== 0 || x.s !== 0);
}

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

/**
 * The head of a change command for `s` as read, moving it to `status` at `now`: `booking_apply`
 * refuses it (`conflict`) when the reservation's status or version changed meanwhile.
 */
export function changeOf(s: ReservationState, status: Status, ctx: { now: Date }) {
  return {
    kind: "change" as const,
    at: ctx.now.toISOString(),
    reservationId: s.id,
    expectStatus: s.status,
    expectVersion: s.version,
    status,
  };
}
