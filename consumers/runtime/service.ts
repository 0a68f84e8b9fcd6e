import type { Sql } from "../../shared/db/mod.ts";
import type { Envelope, EventData, EventType, InboxRef } from "../../shared/events/mod.ts";
import type { Applied } from "./batch.ts";

/** One envelope type per event type of the union `T`, so `switch (event.type)` narrows `data`. */
export type EventOf<T extends EventType> = T extends EventType ? Envelope<T> : never;

/** A batch's time, from the runtime's injected clock, and where its new ids come from. */
export interface BatchClock {
  /** What `emit` stamps as `occurredAt`. */
  now: Date;
  /** A new id at `now` (UUIDv7): what `emit` gives each event. */
  newId(): string;
}

/** What a handler gets besides the transaction and the event. */
export interface HandlerContext extends BatchClock {
  /** The service's name. */
  service: string;
  /** 1 for the first try of this delivery, up to 1 + the number of retries. */
  attempt: number;
  /** How many times JetStream has delivered this message (1 on the first delivery). */
  deliveries: number;
  /** Stream sequence of the message. */
  streamSeq: number;
  /**
   * Builds an event caused by the one being handled (same correlation id, causation id = its
   * id) and appends it to the outbox with the batch's commit. The property defaults to the
   * handled event's.
   */
  emit<E extends EventType>(
    type: E,
    data: EventData<E>,
    opts?: { propertyId?: string },
  ): Promise<Envelope<E>>;
}

/** What `handleBatch` gets besides the transaction and the events. */
export interface BatchContext extends BatchClock {
  /** Builds an event caused by `cause` for the outbox, written with the batch's commit. */
  emit<E extends EventType>(
    cause: Envelope,
    type: E,
    data: EventData<E>,
    opts?: { propertyId?: string },
  ): Envelope<E>;
}

/** An event of a batch with where it came from (its inbox row). */
export interface BatchEvent<T extends EventType = EventType> {
  event: EventOf<T>;
  inbox: InboxRef;
  deliveries: number;
}

/**
 * A consuming service: a name (letters, digits, `_`, `-`), the event types it reacts to, and
 * how it applies them, either way exactly once:
 * - `handle`: one event at a time inside the runtime's transaction, which writes the batch's
 *   inbox rows and emitted events with multi-row statements and commits the batch once;
 * - `applyBatch`: the whole batch the service's own way, writing each event's inbox row with
 *   its effect: in one statement (services that touch inventory: a paused worker must hold no
 *   lock), or after outside calls made with no transaction open (payments). Returns per event
 *   "applied", "duplicate", or `{ deferUntil }` to put it (and the later events of its
 *   property) off until outside work it started has settled. It gets the batch's clock too.
 */
export interface Service<T extends EventType = EventType> {
  name: string;
  events: readonly T[];
  handle?(tx: Sql, event: EventOf<T>, ctx: HandlerContext): Promise<void>;
  /**
   * Every new event of a batch at once, in stream order, inside the runtime's transaction:
   * set-based, with multi-row statements. Used instead of `handle` when given (a service that
   * can be replayed keeps `handle` for one event; both must do the same).
   */
  handleBatch?(tx: Sql, events: EventOf<T>[], ctx: BatchContext): Promise<void>;
  /**
   * Properties whose rows several of the service's consumers (streams) write: the batch takes
   * a transaction-scoped advisory lock per property of its events, all up front, sorted, so two
   * batches over the same property (from two streams, or two workers processes) take turns
   * instead of deadlocking. (One-key locks: apart from the bookings' two-key ones.)
   */
  lockProperties?: boolean;
  applyBatch?(
    sql: Sql,
    batch: BatchEvent<T>[],
    attempt: number,
    clock: BatchClock,
  ): Promise<Applied[]>;
  /** Called after a batch that applied something committed (to wake a sender, say). */
  afterCommit?(): void;
}

/**
 * Who a service is, apart from how it applies events: its name and the event types it reads.
 * Its consumers, and the rights NATS gives it on them, are derived from this alone.
 */
export type ServiceIdentity = Pick<Service, "name" | "events">;

/** Raised when a service definition cannot be run (bad name, no events, no handler). */
export class ServiceDefinitionError extends Error {
  override name = "ServiceDefinitionError";
}

/** Service names become part of consumer names and DLQ subjects, so they are token safe. */
export const serviceNamePattern = /^[a-z0-9_-]{1,48}$/;

/** Declares a service with its event types checked against the catalogue at compile time. */
export function defineService<const T extends EventType>(service: Service<T>): Service<T> {
  if (!serviceNamePattern.test(service.name)) {
    throw new ServiceDefinitionError(
      `service name ${JSON.stringify(service.name)} must match ${serviceNamePattern}`,
    );
  }
  if (service.events.length === 0) {
    throw new ServiceDefinitionError(`service ${service.name} handles no events`);
  }
  if (!(service.handle || service.handleBatch) === !service.applyBatch) {
    throw new ServiceDefinitionError(
      `service ${service.name} needs handle (or handleBatch), or applyBatch`,
    );
  }
  return service;
}
