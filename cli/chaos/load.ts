/**
 * The fault suite's client: bookings at a constant rate, each retried with its own
 * Idempotency-Key until it gets a 201 (or a final refusal), as the README tells integrators
 * (`cli/client`).
 * Every attempt is recorded, so errors can be counted per fault window.
 */
import { addDays } from "../../shared/booking/mod.ts";
import { apiClient, bookWithRetries as retried, retryable } from "../client/mod.ts";

/** One answer (or failure to get one) to one attempt. */
export interface Attempt {
  at: number;
  /** The HTTP status, or 0 when no answer came (refused, reset, timed out). */
  status: number;
}

/** A booking as the client saw it: its key and, once it got its 201, the reservation. */
export interface Booking {
  key: string;
  reservationId?: string;
  confirmationNumber?: string;
  /** Reservation ids of every 201 (a replay must give the same one). */
  ids: string[];
  /** A final 4xx refusal, if it got one. */
  refused?: number;
}

export interface Target {
  url: string;
  key: string;
  properties: { propertyId: string; resourceId: string }[];
  dates: string[];
}

/** POST /v1/reservations until it gets a 201 or a refusal, or `deadline` passes. */
export async function bookWithRetries(
  t: Target,
  booking: Booking,
  attempts: Attempt[],
  deadline: number,
): Promise<void> {
  const p = t.properties[Math.floor(Math.random() * t.properties.length)];
  const date = t.dates[Math.floor(Math.random() * t.dates.length)];
  const body = {
    propertyId: p.propertyId,
    userId: `chaos-${booking.key.slice(0, 8)}`,
    guest: { name: "Chaos Guest", email: `chaos-${booking.key.slice(0, 8)}@example.test` },
    items: [{ resourceId: p.resourceId, from: date, to: addDays(date, 1), quantity: 1 }],
    payment: { token: "tok_ok" },
  };
  const answer = await retried(
    apiClient(t.url, t.key),
    body,
    booking.key,
    deadline,
    (status) => attempts.push({ at: Date.now(), status }),
  );
  if (answer.status === 201) {
    booking.ids.push(answer.body?.id ?? "");
    booking.reservationId ??= answer.body?.id;
    booking.confirmationNumber ??= answer.body?.confirmationNumber;
  } else if (!retryable(answer.status)) {
    booking.refused = answer.status;
  }
}

/** Bookings at `rate` a second until `stop()`; `stop()` waits for those under way. */
export function startLoad(t: Target, rate: number) {
  const bookings: Booking[] = [];
  const attempts: Attempt[] = [];
  const running = new Set<Promise<void>>();
  const timer = setInterval(() => {
    const booking: Booking = { key: crypto.randomUUID(), ids: [] };
    bookings.push(booking);
    const p = bookWithRetries(t, booking, attempts, Date.now() + 180_000);
    running.add(p);
    p.finally(() => running.delete(p));
  }, 1000 / rate);
  return {
    bookings,
    attempts,
    async stop() {
      clearInterval(timer);
      await Promise.all(running);
    },
  };
}
