/** Pure helpers of the analytics projection: booked units per (resource, date), lead time. */
import { epochDay, nightKey, spreadOverNights } from "../../shared/booking/mod.ts";

/** Units of one resource on one date and the unit price they were booked at. */
export interface Night {
  resourceId: string;
  date: string;
  quantity: number;
  price: number;
}

/**
 * Booked lines spread over their dates (units summed per (resource, date), as the booking
 * engine counts them), priced by the rates the booking was made at (0 when a rate is missing).
 */
export function nightsOf(
  items: { resourceId: string; from: string; to: string; quantity: number }[],
  rates: { resourceId: string; date: string; price: number }[],
): Night[] {
  const price = new Map(rates.map((r) => [nightKey(r.resourceId, r.date), r.price]));
  return spreadOverNights(items)
    .map((n) => ({ ...n, price: price.get(nightKey(n.resourceId, n.date)) ?? 0 }))
    .sort((a, b) => a.resourceId.localeCompare(b.resourceId) || a.date.localeCompare(b.date));
}

/** The UTC calendar day of an ISO timestamp. */
export function utcDay(at: string): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** Whole days from the booking day to the first booked date. */
export function leadDays(bookedOn: string, items: { from: string }[]): number {
  const first = items.map((i) => i.from).reduce((a, b) => (a < b ? a : b));
  return epochDay(first) - epochDay(bookedOn);
}
