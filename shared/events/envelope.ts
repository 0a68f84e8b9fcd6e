import { z } from "zod";
import type { EventData, EventType } from "./catalogue.ts";
import {
  dataSchemaOf,
  isEventType,
  upcastData,
  versionOf,
  versionSchemaOf,
  versionsOf,
} from "./catalogue.ts";
import type { TraceContext } from "../tracing/mod.ts";
import { activeTraceContext } from "../tracing/mod.ts";

/**
 * The JSON envelope every event travels in. When tracing, an event made in a span also carries
 * that span's W3C `traceparent` (and `tracestate`): the outbox keeps it in the payload, and the
 * relay copies it into the message's NATS headers, where consumers read it. Parsing drops it.
 * Every event leaves its producer signed: `kid` names the key, `sig` is the signature over the
 * envelope's canonical form (signing.ts, docs/events.md).
 */
export interface Envelope<T extends EventType = EventType> extends TraceContext {
  id: string;
  type: T;
  version: number;
  occurredAt: string;
  propertyId: string;
  correlationId: string;
  causationId: string | null;
  data: EventData<T>;
  kid?: string;
  sig?: string;
}

/** Where a consumed event came from: what a consumer records in its inbox beside the event id. */
export interface InboxRef {
  eventId: string;
  eventType: string;
  propertyId: string;
  stream: string;
  streamSeq: number;
}

const envelopeShape = z.object({
  id: z.uuid(),
  type: z.string().refine(isEventType, "unknown event type"),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  propertyId: z.string().min(1),
  correlationId: z.string().min(1),
  causationId: z.string().nullable(),
  data: z.unknown(),
  kid: z.string().optional(),
  sig: z.string().optional(),
});

/** Raised when bytes on a stream are not a valid envelope of the catalogue. */
export class MalformedEventError extends Error {
  override name = "MalformedEventError";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * Builds an envelope, validating `data` against the catalogue's schema; it carries the trace
 * context of the active span, if any. Its `id` and `now` (its `occurredAt`) come from the
 * caller's id source and clock: there is no fallback to real time or a fresh UUID here.
 */
export function makeEvent<T extends EventType>(
  type: T,
  propertyId: string,
  data: EventData<T>,
  meta: { correlationId: string; causationId?: string | null; now: Date; id: string },
): Envelope<T> {
  const parsed = dataSchemaOf(type).parse(data) as EventData<T>;
  return {
    id: meta.id,
    type,
    version: versionOf(type),
    occurredAt: meta.now.toISOString(),
    propertyId,
    correlationId: meta.correlationId,
    causationId: meta.causationId ?? null,
    data: parsed,
    ...activeTraceContext(),
  };
}

/** The text each parsed envelope was read from (what its signature was checked on). */
const received = new WeakMap<Envelope, string>();

/**
 * The JSON text an envelope was parsed from, as its producer signed it (an older version
 * included), or, for an envelope made here, its JSON: what the audit log keeps.
 */
export function receivedText(e: Envelope): string {
  return received.get(e) ?? JSON.stringify(e);
}

/** Parses JSON text or bytes that should hold an envelope. */
export function parseJson(raw: string | Uint8Array): { text: string; json: unknown } {
  const text = typeof raw === "string" ? raw : new TextDecoder().decode(raw);
  try {
    return { text, json: JSON.parse(text) };
  } catch (err) {
    throw new MalformedEventError("event is not JSON", { cause: err });
  }
}

/**
 * Validates an envelope from JSON text or bytes: its data against the schema of the version it
 * declares, which must be one the catalogue keeps. An older version is upcast to the current
 * one, so a reader always gets the current version's data. Does not check the signature (see
 * `openEvent` in signing.ts).
 */
export function parseEvent(raw: string | Uint8Array): Envelope {
  const { text, json } = parseJson(raw);
  return readEnvelope(text, json);
}

/** {@link parseEvent} of JSON already parsed from `text`. */
export function readEnvelope(text: string, json: unknown): Envelope {
  const env = envelopeShape.safeParse(json);
  if (!env.success) {
    throw new MalformedEventError(`bad envelope: ${z.prettifyError(env.error)}`);
  }
  const type = env.data.type as EventType;
  const schema = versionSchemaOf(type, env.data.version);
  if (!schema) {
    throw new MalformedEventError(
      `${type} version ${env.data.version} is not one this reader accepts ` +
        `(${versionsOf(type).join(", ")})`,
    );
  }
  const data = schema.safeParse(env.data.data);
  if (!data.success) {
    throw new MalformedEventError(`bad ${type} data: ${z.prettifyError(data.error)}`);
  }
  const current = versionOf(type);
  const upcast = env.data.version === current
    ? data
    : dataSchemaOf(type).safeParse(upcastData(type, env.data.version, data.data));
  if (!upcast.success) {
    throw new MalformedEventError(
      `${type} v${env.data.version} does not read as v${current}: ` +
        z.prettifyError(upcast.error),
    );
  }
  const event = { ...env.data, type, version: current, data: upcast.data } as Envelope;
  received.set(event, text);
  return event;
}
