/** Pure helpers of the analytics projection: booked units per (resource, date), lead time. */
import { datesIn, epochDay } from "../../shared/booking/domain.ts";

/** Units of one resource on one date and the unit price they were booked at. */
export interface Night {
  resourceId: string;
  date: string;
  quantity: number;
  price: number;
}

/**
 * Spreads booked lines over their dates, summing quantities per (resource, date), priced by the
 * rates the booking was made at (0 when a rate is missing).
 */
export function nightsOf(
  items: { resourceId: string; from: string; to: string; quantity: number }[],
  rates: { resourceId: string; date: string; price: number }[],
): Night[] {
  const price = new Map(rates.map((r) => [`${r.resourceId}\u0000${r.date}`, r.price]));
  const out = new Map<string, Night>();
  for (const it of items) {
    for (const date of datesIn(it.from, it.to)) {
      const k = `${it.resourceId}\u0000${date}`;
      const n = out.get(k);
      if (n) n.quantity += it.quantity;
      else {out.set(k, {
          resourceId: it.resourceId,
          date,
          quantity: it.quantity,
          price: price.get(k) ?? 0,
        });}
    }
  }
  return [...out.values()].sort((a, b) =>
    a.resourceId.localeCompare(b.resourceId) || a.date.localeCompare(b.date)
  );
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
