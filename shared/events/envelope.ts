import { z } from "zod";
import {
  dataSchemaOf,
  type EventData,
  type EventType,
  isEventType,
  versionOf,
} from "./catalogue.ts";
import { uuidv7 } from "../ids/uuid.ts";
import { activeTraceContext, type TraceContext } from "../tracing/mod.ts";

/**
 * The JSON envelope every event travels in. When tracing, an event made in a span also carries
 * that span's W3C `traceparent` (and `tracestate`): the outbox keeps it in the payload, and the
 * relay copies it into the message's NATS headers, where consumers read it. Parsing drops it.
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
 * context of the active span, if any.
 */
export function makeEvent<T extends EventType>(
  type: T,
  propertyId: string,
  data: EventData<T>,
  meta: { correlationId: string; causationId?: string | null; now?: Date; id?: string },
): Envelope<T> {
  const parsed = dataSchemaOf(type).parse(data) as EventData<T>;
  return {
    id: meta.id ?? uuidv7(),
    type,
    version: versionOf(type),
    occurredAt: (meta.now ?? new Date()).toISOString(),
    propertyId,
    correlationId: meta.correlationId,
    causationId: meta.causationId ?? null,
    data: parsed,
    ...activeTraceContext(),
  };
}

/** Parses and validates an envelope from JSON text or bytes. */
export function parseEvent(raw: string | Uint8Array): Envelope {
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === "string" ? raw : new TextDecoder().decode(raw));
  } catch (err) {
    throw new MalformedEventError("event is not JSON", { cause: err });
  }
  const env = envelopeShape.safeParse(json);
  if (!env.success) {
    throw new MalformedEventError(`bad envelope: ${z.prettifyError(env.error)}`);
  }
  const type = env.data.type as EventType;
  const data = dataSchemaOf(type).safeParse(env.data.data);
  if (!data.success) {
    throw new MalformedEventError(`bad ${type} data: ${z.prettifyError(data.error)}`);
  }
  return { ...env.data, type, data: data.data } as Envelope;
}
