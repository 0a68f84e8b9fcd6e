/**
 * Inventory is kept per (resource, date), a "night" here whatever the kind (a room-night, a day
 * of a unit, a show's date). This module is the one key of such a pair and the one way to
 * spread booked lines over their dates: the booking engine, the rates service and analytics
 * all count units per night with it.
 */
import { datesIn } from "./dates.ts";

/** Units of one resource on one date. */
export interface Need {
  resourceId: string;
  date: string;
  quantity: number;
}

/** The key of a (resource, date) in a map: the one spelling of it. */
export function nightKey(resourceId: string, date: string): string {
  return `${resourceId}\u0000${date}`;
}

/** The key of a named seat on a (resource, date). */
export function seatKey(resourceId: string, date: string, seat: string): string {
  return `${nightKey(resourceId, date)}\u0000${seat}`;
}

/**
 * Spreads lines over the dates of their [from, to), summing quantities per (resource, date),
 * in the order each pair is first met.
 */
export function spreadOverNights(
  items: { resourceId: string; from: string; to: string; quantity: number }[],
): Need[] {
  const byKey = new Map<string, Need>();
  for (const it of items) {
    for (const date of datesIn(it.from, it.to)) {
      const k = nightKey(it.resourceId, date);
      const n = byKey.get(k);
      if (n) n.quantity += it.quantity;
      else byKey.set(k, { resourceId: it.resourceId, date, quantity: it.quantity });
    }
  }
  return [...byKey.values()];
}
