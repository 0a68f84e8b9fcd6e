import type { JsMsg } from "@nats-io/jetstream";
import type { Sql } from "../../shared/db/mod.ts";
import { inTransaction } from "../../shared/db/mod.ts";
import type { Envelope } from "../../shared/events/mod.ts";
import { makeEvent } from "../../shared/events/mod.ts";
import type { EventData, EventType } from "../../shared/events/mod.ts";
import { appendToOutbox } from "../../shared/outbox/mod.ts";
import { withLogContext } from "../../shared/log/mod.ts";
import { uuidv7 } from "../../shared/ids/mod.ts";
import { hash32 } from "../../shared/booking/mod.ts";
import type { BatchClock, BatchEvent, EventOf, HandlerContext, Service } from "./service.ts";
import { startEventSpans, withinEvent } from "./spans.ts";

/** A message of a batch: parsed, with its ordering key (the property). */
export interface BatchItem {
  msg: JsMsg;
  seq: number;
  key: string;
  event: Envelope;
  stream: string;
}

/**
 * What applying did to one event: applied, found applied before, or put off until `until`
 * settles (outside work still under way, such as a slow provider call): the event and the
 * later events of its property go back to the backlog meanwhile.
 */
export type Applied = "applied" | "duplicate" | { deferUntil: Promise<unknown> };

/**
 * Applies `items` (in stream order) exactly once, all or nothing: through the service's own
 * `applyBatch` statement, or in ONE transaction that writes every inbox row with one statement,
 * runs `handle` for each event not applied before, in order, and appends every emitted event
 * with one statement. Throws when anything fails; nothing of the batch is then applied.
 */
export async function applyItems(
  sql: Sql,
  service: Service,
  items: BatchItem[],
  attempt: number,
  now: () => Date,
): Promise<Applied[]> {
  const batch: BatchEvent[] = items.map((it) => ({
    event: it.event as EventOf<never>,
    deliveries: it.msg.info.deliveryCount,
    inbox: {
      eventId: it.event.id,
      eventType: it.event.type,
      propertyId: it.event.propertyId,
      stream: it.stream,
      streamSeq: it.seq,
    },
  }));
  const spans = startEventSpans(service.name, items);
  const at = now();
  const clock: BatchClock = { now: at, newId: () => uuidv7(at.getTime()) };
  let outcomes: Applied[];
  try {
    outcomes = service.applyBatch
      ? await service.applyBatch(sql, batch, attempt, clock)
      : await applyInTransaction(sql, service, batch, attempt, clock);
  } catch (err) {
    spans?.fail(err);
    throw err;
  }
  spans?.end(outcomes);
  if (outcomes.includes("applied")) service.afterCommit?.();
  return outcomes;
}

async function applyInTransaction(
  sql: Sql,
  service: Service,
  batch: BatchEvent[],
  attempt: number,
  clock: BatchClock,
): Promise<Applied[]> {
  return await inTransaction(sql, async (tx) => {
    if (service.lockProperties) {
      await lockProperties(tx, service.name, batch.map((b) => b.event.propertyId));
    }
    const fresh = await claimInbox(tx, service.name, batch);
    const emitted: Envelope[] = [];
    if (service.handleBatch) {
      const events = batch.filter((b) => fresh.has(b.event.id)).map((b) => b.event);
      await service.handleBatch(tx, events as EventOf<never>[], {
        ...clock,
        emit(cause, type, data, o) {
          const e = caused(cause, type, data, o?.propertyId, clock);
          emitted.push(e as Envelope);
          return e;
        },
      });
    }
    for (const b of service.handleBatch ? [] : batch) {
      if (!fresh.has(b.event.id)) continue;
      const ctx = handlerContext(service.name, b, attempt, emitted, clock);
      await withLogContext(
        { correlationId: b.event.correlationId, eventId: b.event.id, service: service.name },
        () => service.handle!(tx, b.event as EventOf<never>, ctx),
      );
    }
    await appendToOutbox(tx, emitted);
    return batch.map((b) => (fresh.has(b.event.id) ? "applied" : "duplicate"));
  });
}

/** 64-bit advisory lock keys of a service's properties, sorted: the one order to take them in. */
export function propertyLockKeys(service: string, properties: string[]): string[] {
  return [...new Set(properties)]
    .map((p) => (BigInt(hash32(service)) << 32n) | BigInt(hash32(p) >>> 0))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map(String);
}

async function lockProperties(tx: Sql, service: string, properties: string[]) {
  const keys = propertyLockKeys(service, properties);
  // unnest yields the keys in array order, so the locks are taken in that order.
  await tx`select count(pg_advisory_xact_lock(k)) from unnest(${keys}::bigint[]) as k`;
}

/**
 * Records the batch's events as applied, in one statement; returns the ids that were not
 * applied before (a dead-lettered event being replayed counts as new). A concurrent transaction
 * inserting the same event makes this wait for it, then find it.
 */
export async function claimInbox(
  tx: Sql,
  service: string,
  batch: BatchEvent[],
): Promise<Set<string>> {
  const col = <K extends keyof BatchEvent["inbox"]>(k: K) => batch.map((b) => b.inbox[k]);
  const rows = await tx<{ event_id: string }[]>`
    insert into consumer_inbox
      (service, event_id, event_type, property_id, stream, stream_seq, outcome)
    select ${service}, x.id, x.type, x.property, x.stream, x.seq, 'applied'
    from unnest(${col("eventId")}::uuid[], ${col("eventType")}::text[],
      ${col("propertyId")}::text[], ${col("stream")}::text[], ${col("streamSeq")}::bigint[])
      as x(id, type, property, stream, seq)
    on conflict (service, event_id) do update
      set outcome = 'applied', error = null, handled_at = now(),
        stream = excluded.stream, stream_seq = excluded.stream_seq
      where consumer_inbox.outcome = 'dead_lettered'
    returning event_id`;
  return new Set(rows.map((r) => r.event_id));
}

/** What a handler gets: `emit` builds an event caused by the handled one for the batch's outbox. */
function handlerContext(
  service: string,
  b: BatchEvent,
  attempt: number,
  emitted: Envelope[],
  clock: BatchClock,
): HandlerContext {
  const handled = b.event;
  return {
    service,
    attempt,
    deliveries: b.deliveries,
    streamSeq: b.inbox.streamSeq,
    ...clock,
    emit(type, data, o) {
      const e = caused(handled, type, data, o?.propertyId, clock);
      emitted.push(e as Envelope);
      return Promise.resolve(e);
    },
  };
}

/**
 * An event caused by `cause`: its correlation id, `cause` as causation, its property unless
 * given, and the trace context of the span `cause` is applied in.
 */
function caused<E extends EventType>(
  cause: Envelope,
  type: E,
  data: EventData<E>,
  propertyId: string | undefined,
  clock: BatchClock,
): Envelope<E> {
  return withinEvent(cause, () =>
    makeEvent(type, propertyId ?? cause.propertyId, data, {
      correlationId: cause.correlationId,
      causationId: cause.id,
      now: clock.now,
      id: clock.newId(),
    }));
}
