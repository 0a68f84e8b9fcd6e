/** Pending -> confirmed of every booking of a run, as reservation_history recorded it. */
import type { Spread } from "./percentiles.ts";
import { spread } from "./percentiles.ts";

/** A booking counts as confirmed in time when its confirmation came within this. */
export const CONFIRM_WITHIN_MS = 5000;

/** How the bookings of a run got confirmed. */
export interface Confirmations {
  /** Reservations the run created. */
  bookings: number;
  /** Pending -> confirmed of those confirmed at all. */
  latency: Spread;
  /** Not confirmed within CONFIRM_WITHIN_MS (never, or later). */
  late: number;
}

/** Folds the per-booking latencies (ms, null = never confirmed) into the run's figures. */
export function confirmations(ms: (number | null)[], withinMs = CONFIRM_WITHIN_MS): Confirmations {
  const confirmed = ms.filter((m): m is number => m !== null);
  return {
    bookings: ms.length,
    latency: spread(confirmed),
    late: ms.length - confirmed.filter((m) => m <= withinMs).length,
  };
}
