/** What the rates service holds in memory while it applies a batch. */
import { datesIn } from "../../shared/booking/domain.ts";
import type { RateRules } from "./pricing.ts";

/** Units of one resource on one date. */
export interface Night {
  resourceId: string;
  date: string;
  quantity: number;
}

/** A (resource, date)'s capacity, base price, units taken and the price last published. */
export interface Occupancy {
  resourceId: string;
  date: string;
  propertyId: string;
  total: number | null;
  taken: number;
  base: number | null;
  price: number | null;
}

/** A rate.updated recorded in the history. */
export interface HistoryRow {
  property_id: string;
  resource_id: string;
  date: string;
  price: number;
  previous_price: number;
  occupancy: number;
  event_id: string;
  changed_at: string;
}

/** The rate a reservation was booked at for one (resource, date). */
export interface AppliedRow {
  reservation_id: string;
  resource_id: string;
  date: string;
  property_id: string;
  price: number;
  applied_at: string;
}

/** The rows a batch touches, as read, then as its events leave them. */
export interface RatesState {
  occupancy: Map<string, Occupancy>;
  rules: Map<string, RateRules>;
  /** Nights of each reservation the batch touches (as booked or last modified). */
  nights: Map<string, Night[]>;
  /** Reservations whose nights changed (written back: replaced, or removed when empty). */
  changedNights: Set<string>;
  applied: Map<string, AppliedRow>;
  history: HistoryRow[];
}

/** The key of a (resource, date). */
export function occupancyKey(resourceId: string, date: string): string {
  return `${resourceId}\u0000${date}`;
}

/** Spreads booked lines over their dates, summing per (resource, date), in key order. */
export function nightsOf(
  items: { resourceId: string; from: string; to: string; quantity: number }[],
): Night[] {
  const out = new Map<string, Night>();
  for (const it of items) {
    for (const date of datesIn(it.from, it.to)) {
      const k = occupancyKey(it.resourceId, date);
      const n = out.get(k);
      if (n) n.quantity += it.quantity;
      else out.set(k, { resourceId: it.resourceId, date, quantity: it.quantity });
    }
  }
  return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, n]) => n);
}
