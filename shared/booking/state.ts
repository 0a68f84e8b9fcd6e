/**
 * A reservation as the booking engine reads it (`ReservationState`) and as clients and events
 * see it (`ReservationView`), with the pure maps between them.
 */
import type { Item, Status } from "./domain.ts";
import { needsOf } from "./domain.ts";
import type { Adjustment, Refund } from "./money.ts";

/** The unit price a booking or modification was priced at, per (resource, date). */
export interface BookedRate {
  resourceId: string;
  date: string;
  price: number;
}

/** Unit price per (resource, date) as a lookup for `priceItems`. */
export type PriceOf = (resourceId: string, date: string) => number;

/**
 * A modification that raised the total and waits for the difference to be authorized. The
 * reservation keeps its lines, total and units meanwhile, and holds the units and seats the new
 * lines need beyond them (`extrasOf`), so neither the old booking nor the new one can be lost
 * while the card network answers.
 */
export interface PendingChange {
  /** The modification's id: in its events and in the payment's answer. */
  id: string;
  items: Item[];
  amounts: number[];
  total: number;
  rates: BookedRate[];
  requestedAt: string;
}

/** A reservation as stored: its row and its lines. */
export interface ReservationState {
  id: string;
  propertyId: string;
  userId: string;
  apiKeyId: string;
  confirmationNumber: string;
  status: Status;
  version: number;
  guest: { name: string; email: string };
  total: number;
  currency: string;
  /** The property's IANA time zone, where its dates are judged. */
  timezone: string;
  paymentId: string | null;
  holdExpiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
  items: Item[];
  amounts: number[];
  pendingChange: PendingChange | null;
}

/** A booked line as clients and events see it: the line and what it costs. */
export type ItemView = Item & { amount: number };

/** A reservation as clients see it. */
export interface ReservationView {
  id: string;
  confirmationNumber: string;
  propertyId: string;
  userId: string;
  status: Status;
  /** Bumped by every change (its ETag): a change may name the version it was decided on. */
  version: number;
  guest: { name: string; email: string };
  items: ItemView[];
  total: number;
  currency: string;
  holdExpiresAt: string;
  createdAt: string;
  updatedAt: string;
  /** Present while a modification that raised the total waits for its payment. */
  pendingModification?: { id: string; items: ItemView[]; total: number; requestedAt: string };
  /** In the answer to a cancellation: what goes back to the guest under the property's policy. */
  refund?: Refund;
  /** In the answer to a modification: the new total and what happens on the card. */
  adjustment?: Adjustment;
}

/** Lines priced at `amounts`, as clients and events see them. */
export function itemViews(items: Item[], amounts: number[]): ItemView[] {
  return items.map((it, i) => ({
    resourceId: it.resourceId,
    kind: it.kind,
    from: it.from,
    to: it.to,
    quantity: it.quantity,
    ...(it.seats ? { seats: it.seats } : {}),
    amount: amounts[i],
  }));
}

/** The view of a reservation state. */
export function viewOf(s: ReservationState): ReservationView {
  return {
    id: s.id,
    confirmationNumber: s.confirmationNumber,
    propertyId: s.propertyId,
    userId: s.userId,
    status: s.status,
    version: s.version,
    guest: s.guest,
    items: itemViews(s.items, s.amounts),
    total: s.total,
    currency: s.currency,
    holdExpiresAt: s.holdExpiresAt.toISOString(),
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    ...(s.pendingChange
      ? {
        pendingModification: {
          id: s.pendingChange.id,
          items: itemViews(s.pendingChange.items, s.pendingChange.amounts),
          total: s.pendingChange.total,
          requestedAt: s.pendingChange.requestedAt,
        },
      }
      : {}),
  };
}

/** What every reservation event says of the reservation. */
export const refOf = (s: ReservationState) => ({
  reservationId: s.id,
  confirmationNumber: s.confirmationNumber,
  userId: s.userId,
});

/** The rate each (resource, date) of the items was priced at, in (resource, date) order. */
export function ratesOf(items: Item[], priceOf: PriceOf): BookedRate[] {
  return needsOf(items)
    .map((n) => ({ resourceId: n.resourceId, date: n.date, price: priceOf(n.resourceId, n.date) }))
    .sort((a, b) => a.resourceId.localeCompare(b.resourceId) || a.date.localeCompare(b.date));
}
