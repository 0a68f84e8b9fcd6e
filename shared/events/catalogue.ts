import type { z } from "zod";
import { catalogue } from "./definitions.ts";

/**
 * The event catalogue: the one place that names subjects, payload schemas and versions.
 * Streams and consumers are derived from it (see streams.ts); the api and the consumers
 * both import it and never each other. The events themselves are declared in definitions.ts.
 */
export { bookedItem, catalogue } from "./definitions.ts";

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
