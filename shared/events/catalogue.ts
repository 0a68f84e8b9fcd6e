import { z } from "zod";

/**
 * The event catalogue: the one place that names subjects, payload schemas and versions.
 * Streams and consumers are derived from it (see streams.ts); the api and the consumers
 * both import it and never each other.
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
      sent: {
        version: 1,
        data: z.object({
          channel: z.enum(["email", "webhook"]),
          target: z.string(),
          eventId: z.string(),
          eventType: z.string(),
          attempts: z.number().int().positive(),
        }),
      },
      failed: {
        version: 1,
        data: z.object({
          channel: z.enum(["email", "webhook"]),
          target: z.string(),
          eventId: z.string(),
          eventType: z.string(),
          attempts: z.number().int().positive(),
          error: z.string(),
        }),
      },
    },
  },
} as const;

type Catalogue = typeof catalogue;
export type Domain = keyof Catalogue;
type EventsOf<D extends Domain> = Catalogue[D]["events"];

/** Every event type, as `<domain>.<event>`, e.g. `reservation.created`. */
export type EventType = {
  [D in Domain]: `${D}.${Extract<keyof EventsOf<D>, string>}`;
}[Domain];

type Split<T extends EventType> = T extends `${infer D}.${infer E}` ? [D, E] : never;

/** The payload type of an event type. */
export type EventData<T extends EventType> = Split<T> extends [infer D, infer E]
  ? D extends Domain
    ? E extends keyof EventsOf<D> ? EventsOf<D>[E] extends { data: z.ZodType<infer O> } ? O : never
    : never
  : never
  : never;

/** Name of the dead-letter stream and its subject prefix. */
export const DLQ_STREAM = "DLQ";
export const DLQ_PREFIX = "dlq";

/**
 * An earlier version of an event type's data, kept for as long as events of it may be read (in
 * a stream, a dead letter, a snapshot's replay): its schema, and how its data reads as the next
 * version's.
 */
export interface OlderVersion {
  version: number;
  data: z.ZodType;
  upcast(data: Record<string, unknown>): unknown;
}

/** An event type: its current version and schema, and every earlier version, oldest first. */
interface EventDef {
  version: number;
  data: z.ZodType;
  older?: readonly OlderVersion[];
}

function eventDef(type: string): EventDef | undefined {
  const [domain, event] = type.split(".", 2) as [Domain, string];
  const events = catalogue[domain]?.events as Record<string, EventDef> | undefined;
  return events?.[event];
}

/** Every event type in the catalogue. */
export const eventTypes: EventType[] = (Object.keys(catalogue) as Domain[]).flatMap((d) =>
  Object.keys(catalogue[d].events).map((e) => `${d}.${e}` as EventType)
);

/** The event types of one domain, e.g. `payment.authorized`. */
export type EventTypeOf<D extends Domain> = D extends Domain
  ? `${D}.${Extract<keyof EventsOf<D>, string>}`
  : never;

/**
 * The event types of `domains` in catalogue order, less those in `except`: how a service names
 * what it reads, so an event added to one of its domains reaches it unless it opts out.
 */
export function eventTypesOf<const D extends Domain, const X extends EventTypeOf<D> = never>(
  domains: readonly D[],
  except: readonly X[] = [],
): Exclude<EventTypeOf<D>, X>[] {
  return eventTypes.filter((t) =>
    (domains as readonly string[]).includes(t.split(".", 1)[0]) &&
    !(except as readonly string[]).includes(t)
  ) as unknown as Exclude<EventTypeOf<D>, X>[];
}

/** True when `type` names an event of the catalogue. */
export function isEventType(type: string): type is EventType {
  return eventDef(type) !== undefined;
}

/** The current schema version of an event type. */
export function versionOf(type: EventType): number {
  return eventDef(type)!.version;
}

/** The zod schema of an event type's data (its current version). */
export function dataSchemaOf(type: EventType): z.ZodType {
  return eventDef(type)!.data;
}

/** Every version of an event type the catalogue keeps, oldest first: the current one last. */
export function versionsOf(type: EventType): number[] {
  const def = eventDef(type)!;
  return [...(def.older ?? []).map((o) => o.version), def.version];
}

/** The zod schema of one version of an event type's data; undefined for a version not kept. */
export function versionSchemaOf(type: EventType, version: number): z.ZodType | undefined {
  const def = eventDef(type)!;
  if (version === def.version) return def.data;
  return def.older?.find((o) => o.version === version)?.data;
}

/**
 * Data of an older version of `type`, valid for that version, read as the current version:
 * each older version's `upcast` in turn, from `version` up.
 */
export function upcastData(type: EventType, version: number, data: unknown): unknown {
  for (const o of eventDef(type)!.older ?? []) {
    if (o.version >= version) data = o.upcast(data as Record<string, unknown>);
  }
  return data;
}

/** Property ids are subject-token safe: letters, digits, `_` and `-` only. */
export const propertyIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

/** `<domain>.<propertyId>.<event>`, e.g. `reservation.p123.created`. */
export function subjectOf(type: EventType, propertyId: string): string {
  if (!propertyIdPattern.test(propertyId)) {
    throw new Error(`property id ${JSON.stringify(propertyId)} is not subject-token safe`);
  }
  const [domain, event] = type.split(".", 2);
  return `${domain}.${propertyId}.${event}`;
}

/**
 * Reads a subject back into its event type and property id; a stored subject also carries the
 * partition its stream put it in (`reservation.p123.created.5`, see streams.ts).
 */
export function parseSubject(
  subject: string,
): { type: EventType; propertyId: string; partition: number | null } | null {
  const parts = subject.split(".");
  if (parts.length !== 3 && parts.length !== 4) return null;
  const type = `${parts[0]}.${parts[2]}`;
  const partition = parts.length === 4 ? Number(parts[3]) : null;
  if (partition !== null && !Number.isInteger(partition)) return null;
  return isEventType(type) ? { type, propertyId: parts[1], partition } : null;
}
