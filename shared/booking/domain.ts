/**
 * The booking domain's pure rules: reservation states and their transitions, what each state
 * does to inventory, dates, prices and lock keys. No I/O; clocks and ids come in as arguments.
 */
import { DateInPast, InvalidTransition, ValidationFailed } from "../errors/mod.ts";
import { SoldOutCache } from "./soldout.ts";
import { datesIn, epochDay } from "./dates.ts";
import type { Need } from "./nights.ts";
import { spreadOverNights } from "./nights.ts";

export { addDays, datesIn, daysIn, epochDay } from "./dates.ts";

export type ResourceKind = "room" | "unit" | "seat";
/** The states of a reservation. */
export const statuses = [
  "pending",
  "confirmed",
  "checked_in",
  "checked_out",
  "cancelled",
  "expired",
  "failed",
] as const;
export type Status = (typeof statuses)[number];

/** What a reservation in this state does to inventory: counted as held, sold, or nothing. */
export function inventoryState(status: Status): "held" | "sold" | "none" {
  if (status === "pending") return "held";
  if (status === "confirmed" || status === "checked_in" || status === "checked_out") return "sold";
  return "none";
}

/** The state changes a reservation accepts, and the state each leads to. */
export const transitions = {
  confirm: { from: ["pending"], to: "confirmed", verb: "confirmed" },
  fail: { from: ["pending"], to: "failed", verb: "failed" },
  expire: { from: ["pending"], to: "expired", verb: "expired" },
  cancel: { from: ["pending", "confirmed"], to: "cancelled", verb: "cancelled" },
  checkIn: { from: ["confirmed"], to: "checked_in", verb: "checked in" },
  checkOut: { from: ["checked_in"], to: "checked_out", verb: "checked out" },
} as const satisfies Record<string, { from: Status[]; to: Status; verb: string }>;

export type Action = keyof typeof transitions;

/** The state after `action`, or InvalidTransition (409 `invalid_transition`). */
export function decideTransition(status: Status, action: Action): Status {
  const t = transitions[action];
  if (!(t.from as readonly Status[]).includes(status)) throw new InvalidTransition(status, t.verb);
  return t.to;
}

/** Dates and quantities can be modified while the reservation is pending or confirmed. */
export function assertModifiable(status: Status): void {
  if (status !== "pending" && status !== "confirmed") {
    throw new InvalidTransition(status, "modified");
  }
}

/** The dates berth takes: years 2000 to 2199 (`to` included). */
export const dateWindow = { first: "2000-01-01", last: "2199-12-31" } as const;

const calendars = new Map<string, Intl.DateTimeFormat>();

/** The calendar date at `now` in the IANA time zone `timeZone`, as an ISO date. */
export function localDate(now: Date, timeZone: string): string {
  let calendar = calendars.get(timeZone);
  if (!calendar) {
    calendar = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    calendars.set(timeZone, calendar);
  }
  const part = Object.fromEntries(calendar.formatToParts(now).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day}`;
}

/**
 * Refuses ranges that start before `today` (the property's, see `localDate`): 400
 * `date_in_past`, naming each such `from`. Today itself is still bookable.
 */
export function assertNotPast(ranges: { path: string; from: string }[], today: string): void {
  const past = ranges.filter((r) => r.from < today);
  if (past.length) {
    throw new DateInPast(
      `dates before today (${today}) at the property cannot be booked or set`,
      past.map((r) => ({ path: r.path, message: `must be ${today} or later` })),
    );
  }
}

/** The first date of a reservation's lines: the arrival, the first day or the show. */
export function arrivalOf(items: Pick<Item, "from">[]): string {
  return items.reduce((first, it) => (it.from < first ? it.from : first), items[0].from);
}

/** A booked line as asked for: counted `quantity` or named `seats` of one resource. */
export interface ItemRequest {
  resourceId: string;
  from: string;
  to: string;
  quantity?: number;
  seats?: string[];
}

/** A line checked against its resource: kind known, quantity set, seats normalised. */
export interface Item {
  resourceId: string;
  kind: ResourceKind;
  from: string;
  to: string;
  quantity: number;
  seats?: string[];
}

/**
 * Checks each line against its resource's kind: seat resources take `seats` (the quantity is
 * their count, each seat once per date across the lines), rooms and units take `quantity`
 * (default 1). Throws 400 listing each problem; a booking of more than `maxQuantity` units or
 * seats in all is refused before any line is looked at.
 */
export function resolveItems(
  requests: ItemRequest[],
  resources: Map<string, { kind: ResourceKind; propertyId: string }>,
  propertyId: string,
  maxQuantity: number,
): Item[] {
  // Counted from the request first: spreading the seats of a booking far too large over its
  // dates (10 lines of 1000 seats for 366 nights) took seconds of CPU before its 400.
  const requested = requests.reduce((n, r) => n + (r.seats?.length ?? r.quantity ?? 1), 0);
  if (requested > maxQuantity) {
    throw new ValidationFailed("the booking is not valid", [
      { path: "items", message: `at most ${maxQuantity} units or seats per booking` },
    ]);
  }
  const errors: { path: string; message: string }[] = [];
  const items: Item[] = [];
  const seatsBooked = new Set<string>();
  requests.forEach((r, i) => {
    const res = resources.get(r.resourceId);
    const at = `items.${i}`;
    if (!res || res.propertyId !== propertyId) {
      errors.push({ path: `${at}.resourceId`, message: "no such resource at this property" });
      return;
    }
    if (res.kind === "seat") {
      if (!r.seats?.length) {
        errors.push({ path: `${at}.seats`, message: "seat resources need seats" });
      } else if (r.quantity !== undefined && r.quantity !== r.seats.length) {
        errors.push({ path: `${at}.quantity`, message: "must equal the number of seats" });
      } else if (new Set(r.seats).size !== r.seats.length) {
        errors.push({ path: `${at}.seats`, message: "a seat is listed twice" });
      } else {
        const keys = r.seats.flatMap((s) =>
          datesIn(r.from, r.to).map((d) => SoldOutCache.key(r.resourceId, d, s))
        );
        if (keys.some((k) => seatsBooked.has(k))) {
          errors.push({
            path: `${at}.seats`,
            message: "a seat is also in another line on one of these dates",
          });
          return;
        }
        keys.forEach((k) => seatsBooked.add(k));
        items.push({ ...r, kind: res.kind, quantity: r.seats.length, seats: [...r.seats].sort() });
      }
    } else {
      if (r.seats) {
        errors.push({ path: `${at}.seats`, message: `a ${res.kind} has no named seats` });
      } else items.push({ ...r, kind: res.kind, quantity: r.quantity ?? 1, seats: undefined });
    }
  });
  if (errors.length) throw new ValidationFailed("the booking is not valid", errors);
  return items;
}

/** The (resource, date) units a set of items needs, summed, in lock order. */
export function needsOf(items: Pick<Item, "resourceId" | "from" | "to" | "quantity">[]): Need[] {
  return sortForLocks(spreadOverNights(items));
}

/** 32-bit FNV-1a of a string, as a signed int (Postgres `int4`). */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** The advisory lock key of a (resource, date): (hash of the resource id, epoch day). */
export function lockKey(resourceId: string, date: string): [number, number] {
  return [hash32(resourceId), epochDay(date)];
}

/** Sorts (resource, date) pairs by their lock key: the one order every transaction locks in. */
export function sortForLocks<T extends { resourceId: string; date: string }>(pairs: T[]): T[] {
  return pairs
    .map((p) => ({ p, k: lockKey(p.resourceId, p.date) }))
    .sort((a, b) =>
      a.k[0] - b.k[0] || a.k[1] - b.k[1] || (a.p.resourceId < b.p.resourceId ? -1 : 1)
    )
    .map((x) => x.p);
}

/**
 * The highest price of one unit, room or seat for one night, day or show, in minor units (also
 * the highest rate-rule floor and ceiling): 100,000,000.00 in a currency with two decimals.
 */
export const MAX_PRICE = 10_000_000_000;

/** The most units or seats one booking may take: the highest `BERTH_MAX_QUANTITY`. */
export const MAX_QUANTITY = 1_000;

/** The most nights or days one line of a booking spans. */
export const MAX_NIGHTS = 366;

/**
 * The highest booking total in minor units (3.66 * 10^15): every unit at MAX_PRICE for
 * MAX_NIGHTS. It stays below 2^53, so every amount is exact as a JavaScript number, and fits
 * Postgres `bigint`, the type of every money column.
 */
export const MAX_TOTAL = MAX_PRICE * MAX_QUANTITY * MAX_NIGHTS;

/** Each line's amount from the price per (resource, date), and the total. Integers only. */
export function priceItems(
  items: Item[],
  priceOf: (resourceId: string, date: string) => number,
): { amounts: number[]; total: number } {
  const amounts = items.map((it) =>
    datesIn(it.from, it.to).reduce((sum, d) => sum + priceOf(it.resourceId, d) * it.quantity, 0)
  );
  return { amounts, total: amounts.reduce((a, b) => a + b, 0) };
}

/** `RSV-<year>-<6 digits>`; the sequence is spread over the 6 digits by an invertible map. */
export function confirmationNumber(seq: number, now: Date): string {
  const n = (seq * 738_317 + 104_729) % 1_000_000; // 738317 is coprime to 10^6: no collisions
  return `RSV-${now.getUTCFullYear()}-${String(n).padStart(6, "0")}`;
}
