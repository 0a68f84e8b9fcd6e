import { z } from "zod";

/**
 * The events themselves: each domain's stream and events, each event with its version and the
 * zod schema of its data. catalogue.ts derives every name and lookup from it.
 */

const id = z.string().min(1).max(64);
/** As the api takes it: up to 128 characters. */
const userId = z.string().min(1).max(128);
const isoDate = z.iso.date();
const money = z.number().int().min(0);
const currency = z.string().regex(/^[A-Z]{3}$/);

/** One booked line: a counted quantity or named seats of one resource over [from, to). */
export const bookedItem = z.object({
  resourceId: id,
  kind: z.enum(["room", "unit", "seat"]),
  from: isoDate,
  to: isoDate,
  quantity: z.number().int().positive(),
  seats: z.array(z.string()).optional(),
  amount: money,
});

/** The unit price per (resource, date) a booking was made at. */
const bookedRates = z.array(z.object({ resourceId: id, date: isoDate, price: money }));

const reservationRef = {
  reservationId: z.uuid(),
  confirmationNumber: z.string(),
  userId,
};

const paymentRef = {
  reservationId: z.uuid(),
  paymentId: id,
  amount: money,
  currency,
};

/** What a notification was sent for, where to, and after how many attempts. */
const notificationRef = {
  channel: z.enum(["email", "webhook"]),
  target: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  attempts: z.number().int().positive(),
};

/** On a payment's answer to a modification's difference: which modification it answers. */
const modificationId = z.uuid().optional();

/** Domains, their stream and their events, each with its version and data schema. */
export const catalogue = {
  reservation: {
    stream: "RESERVATIONS",
    events: {
      /**
       * Version 2 carries no payment token and no guest contact: the token stays in Postgres
       * (`reservations.payment_token`, read by the payments service) and so do the guest's name
       * and e-mail (read by notifications). Version 1 had `guest` and `paymentToken`; a v1 event
       * still in a stream reads as v2 without them.
       */
      created: {
        version: 2,
        data: z.object({
          ...reservationRef,
          items: z.array(bookedItem).min(1),
          total: money,
          currency,
          holdExpiresAt: z.iso.datetime({ offset: true }),
          rates: bookedRates,
        }),
        older: [{
          version: 1,
          data: z.object({
            ...reservationRef,
            guest: z.object({ name: z.string(), email: z.string() }),
            items: z.array(bookedItem).min(1),
            total: money,
            currency,
            holdExpiresAt: z.iso.datetime({ offset: true }),
            paymentToken: z.string(),
            rates: bookedRates,
          }),
          upcast: ({ guest: _guest, paymentToken: _token, ...v2 }: Record<string, unknown>) => v2,
        }],
      },
      confirmed: { version: 1, data: z.object({ ...reservationRef, paymentId: id }) },
      /**
       * The lines and total changed. With `modificationId` it ends a modification that raised
       * the total, once the difference was authorized; without, the total did not rise.
       */
      modified: {
        version: 1,
        data: z.object({
          ...reservationRef,
          modificationId: z.uuid().optional(),
          items: z.array(bookedItem).min(1),
          total: money,
          previousTotal: money,
          currency,
          rates: bookedRates,
        }),
      },
      /**
       * A modification raised the total to `total`: it waits for the difference to be
       * authorized (the reservation keeps its lines and total meanwhile, and holds the new ones).
       */
      modification_requested: {
        version: 1,
        data: z.object({
          ...reservationRef,
          modificationId: z.uuid(),
          items: z.array(bookedItem).min(1),
          total: money,
          previousTotal: money,
          currency,
          rates: bookedRates,
        }),
      },
      /** The difference was declined: the modification is dropped, `total` still stands. */
      modification_declined: {
        version: 1,
        data: z.object({
          ...reservationRef,
          modificationId: z.uuid(),
          reason: z.string(),
          total: money,
          requestedTotal: money,
          currency,
        }),
      },
      cancelled: {
        version: 1,
        data: z.object({ ...reservationRef, reason: z.string(), previousStatus: z.string() }),
      },
      expired: { version: 1, data: z.object(reservationRef) },
      failed: { version: 1, data: z.object({ ...reservationRef, reason: z.string() }) },
      checked_in: { version: 1, data: z.object(reservationRef) },
      checked_out: { version: 1, data: z.object(reservationRef) },
    },
  },
  payment: {
    stream: "PAYMENTS",
    events: {
      /** `amount` authorized: the booking's total, or with `modificationId` the difference. */
      authorized: { version: 1, data: z.object({ ...paymentRef, modificationId }) },
      failed: {
        version: 1,
        data: z.object({ reservationId: z.uuid(), reason: z.string(), currency, modificationId }),
      },
      captured: { version: 1, data: z.object(paymentRef) },
      refunded: {
        version: 1,
        data: z.object({ ...paymentRef, reason: z.string() }),
      },
      settled: {
        version: 1,
        data: z.object({
          date: isoDate,
          currency,
          captured: money,
          refunded: money,
          net: z.number().int(),
          payments: z.number().int().min(0),
        }),
      },
    },
  },
  inventory: {
    stream: "INVENTORY",
    events: {
      updated: {
        version: 1,
        data: z.object({
          resourceId: id,
          dates: z.array(z.object({
            date: isoDate,
            total: z.number().int().min(0),
            held: z.number().int().min(0),
            sold: z.number().int().min(0),
            price: money,
          })),
        }),
      },
    },
  },
  rate: {
    stream: "RATES",
    events: {
      updated: {
        version: 1,
        data: z.object({
          resourceId: id,
          date: isoDate,
          price: money,
          previousPrice: money,
          occupancy: z.number().min(0).max(1),
        }),
      },
      // No longer emitted (a booking's rates travel in `reservation.created`); kept so that a
      // stream written before still reads.
      applied: {
        version: 1,
        data: z.object({
          reservationId: z.uuid(),
          resourceId: id,
          date: isoDate,
          price: money,
        }),
      },
    },
  },
  notification: {
    stream: "NOTIFICATIONS",
    events: {
      sent: { version: 1, data: z.object(notificationRef) },
      failed: { version: 1, data: z.object({ ...notificationRef, error: z.string() }) },
    },
  },
} as const;
