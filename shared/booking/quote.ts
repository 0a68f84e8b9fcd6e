/**
 * A booking checked and quoted before any lock: its lines against the catalogue, availability
 * and prices read without locks, so a sold-out (resource, date) is answered at once. The hold
 * checks the quote again under the locks.
 */
import type { Sql } from "../db/mod.ts";
import { SoldOut } from "../errors/mod.ts";
import type { Item, ItemRequest } from "./domain.ts";
import { datesIn, needsOf } from "./domain.ts";
import { nightKey } from "./nights.ts";
import { seatRows } from "./rows.ts";
import { resolve } from "./resources.ts";
import * as q from "./queries.ts";
import { SoldOutCache } from "./soldout.ts";

/** A booking as a client asks for it. */
export interface NewReservation {
  propertyId: string;
  userId: string;
  guest: { name: string; email: string };
  items: ItemRequest[];
  payment: { token: string };
}

/** A booking checked against the catalogue and a quote of availability, ready to place. */
export interface PreparedBooking {
  input: NewReservation;
  items: Item[];
  currency: string;
  timezone: string;
  maxQuantity: number;
  /** The confirmation sequence number drawn with the quote. */
  seq: number;
  /** Unit price per (resource, date) at the quote, by {@link nightKey}. */
  prices: Map<string, number>;
}

/** 409 `sold_out` naming the first (resource, date) without enough left. */
export function soldOutAt(s: { resource_id: string; date: string }[]): SoldOut {
  const first = s[0];
  return new SoldOut(
    `${first.resource_id} has not enough left on ${first.date}` +
      (s.length > 1 ? ` (and ${s.length - 1} more date(s))` : ""),
  );
}

/**
 * Validates a booking at `now` and checks availability without taking any lock, so a sold-out
 * (resource, date) is answered at once. The transaction checks again under the locks.
 */
export async function prepareBooking(
  sql: Sql,
  input: NewReservation,
  maxQuantity: number,
  now: Date,
  soldOut?: SoldOutCache,
): Promise<PreparedBooking> {
  const { items, currency, timezone } = await resolve(
    sql,
    input.propertyId,
    input.items,
    maxQuantity,
    now,
  );
  // The sold-out memory lives in this process's real time (its entries last `boundMs`).
  const seen = Date.now();
  const needs = needsOf(items);
  if (soldOut) {
    const gone = needs.find((n) => soldOut.has(SoldOutCache.key(n.resourceId, n.date), seen)) ??
      seatRows(items).find((x) => soldOut.has(SoldOutCache.key(x.r, x.d, x.s), seen));
    if (gone) {
      const at = "resourceId" in gone
        ? `${gone.resourceId} on ${gone.date}`
        : `seat ${gone.s} on ${gone.d}`;
      throw new SoldOut(`${at} is sold out`);
    }
  }
  const seatItems = items.filter((it) => it.seats);
  const [{ seq, rows }, ...taken] = await Promise.all([
    q.quote(sql, needs),
    ...seatItems.map((it) => q.takenSeats(sql, it.resourceId, datesIn(it.from, it.to), it.seats!)),
  ]);
  for (const r of rows) {
    if (r.free <= 0) soldOut?.mark(SoldOutCache.key(r.resource_id, r.date), seen);
  }
  taken.forEach((seats, i) => {
    for (const t of seats) {
      soldOut?.mark(SoldOutCache.key(seatItems[i].resourceId, t.date, t.seat), seen);
    }
  });
  const short = rows.filter((r) => r.free < r.quantity);
  if (short.length) throw soldOutAt(short);
  const seat = taken.find((t) => t.length)?.[0];
  if (seat) throw new SoldOut(`seat ${seat.seat} on ${seat.date} is taken`);
  return { input, items, currency, timezone, maxQuantity, seq, prices: pricesOf(rows) };
}

/** The unit price per (resource, date) of a quote, by {@link nightKey}. */
export const pricesOf = (rows: q.QuoteRow[]): Map<string, number> =>
  new Map(rows.map((r) => [nightKey(r.resource_id, r.date), r.price]));

/** A price lookup over quoted prices (every (resource, date) asked for is in them). */
export const priceLookup = (prices: Map<string, number>) => (r: string, d: string): number =>
  prices.get(nightKey(r, d))!;
