/** What the rates service holds in memory while it applies a batch. */
import type { Need } from "../../shared/booking/mod.ts";
import type { RateRules } from "./pricing.ts";

/** Units of one resource on one date (the booking engine's `needsOf` spreads lines into them). */
export type Night = Need;

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
