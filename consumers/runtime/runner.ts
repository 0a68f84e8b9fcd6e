import type { Consumer, JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { isPgUnavailable, type Sql } from "../../shared/db/db.ts";
import { type Envelope, MalformedEventError, parseEvent } from "../../shared/events/envelope.ts";
import { makeEvent } from "../../shared/events/envelope.ts";
import { parseSubject, subjectOf } from "../../shared/events/catalogue.ts";
import { appendToOutbox } from "../../shared/outbox/mod.ts";
import { log, withLogContext } from "../../shared/log/log.ts";
import { applyOnce, applyOnceIn, type InboxEntry, recordDeadLetter } from "./inbox.ts";
import { inTransaction } from "../../shared/db/db.ts";
import { Lanes } from "./lanes.ts";
import { HandoverBarrier } from "./handover.ts";
import { deadLetter } from "./dlq.ts";
import {
  type ConsumerDefinition,
  consumerDefinitions,
  type ConsumerTuning,
  defaultTuning,
  PIN_GROUP,
  provisionConsumers,
} from "./provision.ts";
import type { EventOf, HandlerContext, Service } from "./service.ts";

/** Waits between the tries of a failing event: five retries after the first try. */
export const RETRY_DELAYS_MS: readonly number[] = [100, 200, 400, 800, 1600];

/** What happened to one message; reported through `onSettled`. */
export type Outcome = "applied" | "duplicate" | "dead_lettered" | "handed_back";

/** How to run a service. */
export interface RunServiceOptions {
  sql: Sql;
  nc: NatsConnection;
  // deno-lint-ignore no-explicit-any
  service: Service<any>;
  /** Aborting stops fetching, finishes the handlers that run and naks the rest. */
  signal: AbortSignal;
  /** Properties handled at the same time by this instance (default 16). */
  concurrency?: number;
  /**
   * Most events of one property applied in one transaction when they queue up (default 32).
   * One commit for many events keeps a busy property's lane moving; 1 turns it off.
   */
  batch?: number;
  retryDelaysMs?: readonly number[];
  tuning?: Partial<ConsumerTuning>;
  /** Called after each message is settled: for metrics and tests. */
  onSettled?: (info: { consumer: string; seq: number; outcome: Outcome }) => void;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/**
 * Runs a service until `signal` aborts: provisions its consumers (idempotent), then pulls each
 * as a pinned client of the priority group, applies every event once through the inbox,
 * retries failures with backoff and dead-letters what still fails.
 */
export async function runService(opts: RunServiceOptions): Promise<void> {
  const tuning = { ...defaultTuning, ...opts.tuning };
  const jsm = await jetstreamManager(opts.nc);
  await provisionConsumers(jsm, [opts.service], tuning);
  const js = jetstream(opts.nc);
  await Promise.all(
    consumerDefinitions(opts.service).map((def) => runConsumer(opts, def, tuning, js)),
  );
}

interface Held {
  msg: JsMsg;
  key: string;
}

async function runConsumer(
  opts: RunServiceOptions,
  def: ConsumerDefinition,
  tuning: ConsumerTuning,
  js: JetStreamClient,
): Promise<void> {
  const { signal } = opts;
  const jsm = await jetstreamManager(opts.nc);
  const barrier = new HandoverBarrier(jsm, opts.sql, def);
  const held = new Map<number, Held>();
  const lanes: Lanes<Held> = new Lanes<Held>({
    concurrency: opts.concurrency ?? 16,
    mayStart: (key, seq) => !barrier.blocks(key, seq),
    batch: opts.batch ?? 32,
    runBatch: async (hs) => {
      let outcomes: Outcome[] = [];
      try {
        outcomes = await settleBatch(opts, def, tuning, hs.map((h) => h.msg));
      } catch (err) {
        log.warn("batch not applied; settling its events one by one", { err, consumer: def.name });
      }
      outcomes.forEach((outcome, i) => {
        const { msg } = hs[i];
        held.delete(msg.seq);
        barrier.settle(msg.seq);
        opts.onSettled?.({ consumer: def.name, seq: msg.seq, outcome });
      });
      for (const h of hs.slice(outcomes.length)) await runOne(h);
    },
    run: (h) => runOne(h),
  });
  async function runOne(h: Held) {
    let outcome: Outcome = "handed_back";
    try {
      outcome = await settle(opts, def, tuning, js, h.msg);
    } catch (err) {
      log.error("message not settled; handing it back", { err, seq: h.msg.seq });
      h.msg.nak();
    } finally {
      held.delete(h.msg.seq);
      barrier.settle(h.msg.seq);
      opts.onSettled?.({ consumer: def.name, seq: h.msg.seq, outcome });
    }
  }
  // Keep what waits here (queued, retrying, behind the barrier) from being redelivered.
  const heartbeat = setInterval(() => {
    for (const h of held.values()) h.msg.working();
  }, Math.max(100, tuning.ackWaitMs / 3));
  const barrierTick = setInterval(() => {
    if (barrier.size === 0) return;
    barrier.refresh().then(() => lanes.pump()).catch((err) =>
      log.warn("hand-over barrier refresh failed", { err, consumer: def.name })
    );
  }, 250);

  let consumer: Consumer | null = null;
  while (!consumer && !signal.aborted) {
    consumer = await js.consumers.get(def.stream, def.name).catch(async (err) => {
      log.warn("consumer not reachable; retrying", { err, consumer: def.name });
      await sleep(1000, signal);
      return null;
    });
  }
  let pinId: string | null = null;
  try {
    while (consumer && !signal.aborted) {
      const messages = await consumer.consume({ max_messages: 100, group: PIN_GROUP });
      const stop = () => messages.stop();
      signal.addEventListener("abort", stop, { once: true });
      log.info("consuming", { consumer: def.name, stream: def.stream });
      try {
        for await (const msg of messages) {
          if (signal.aborted) {
            msg.nak();
            continue;
          }
          if (held.has(msg.seq)) continue; // a redelivery of what waits here already
          const key = parseSubject(msg.subject)?.propertyId ?? "";
          held.set(msg.seq, { msg, key });
          const pin = msg.headers?.get("Nats-Pin-Id") ?? "";
          if (pin !== pinId) {
            pinId = pin;
            await barrier.rebuild((seq) => held.has(seq));
            if (barrier.size) {
              log.info("hand-over: waiting for older messages", { n: barrier.size });
            }
          }
          lanes.push(key, msg.seq, held.get(msg.seq)!);
        }
      } catch (err) {
        if (!signal.aborted) log.warn("consume interrupted; resuming", { err, consumer: def.name });
      } finally {
        signal.removeEventListener("abort", stop);
      }
      if (!signal.aborted) await sleep(500, signal);
    }
  } finally {
    for (const h of lanes.drain()) {
      h.msg.nak();
      held.delete(h.msg.seq);
    }
    await lanes.idle();
    clearInterval(heartbeat);
    clearInterval(barrierTick);
    if (pinId) await jsm.consumers.unpin(def.stream, def.name, PIN_GROUP).catch(() => {});
    log.info("consumer stopped", { consumer: def.name });
  }
}

async function settle(
  opts: RunServiceOptions,
  def: ConsumerDefinition,
  tuning: ConsumerTuning,
  js: JetStreamClient,
  msg: JsMsg,
): Promise<Outcome> {
  const { signal, service } = opts;
  const giveUp = async (error: string, attempts: number, event: Envelope | null) => {
    const cause = {
      service: service.name,
      consumer: def.name,
      stream: def.stream,
      error,
      attempts,
    };
    while (true) {
      try {
        await deadLetter(js, msg, cause);
        break;
      } catch (err) {
        if (signal.aborted) {
          msg.nak();
          return "handed_back" as const;
        }
        log.warn("DLQ publish failed; retrying", { err });
        await sleep(1000, signal);
      }
    }
    if (event) {
      await recordDeadLetter(opts.sql, entry(event), error).catch((err) =>
        log.warn("dead letter not recorded in the inbox", { err, eventId: event.id })
      );
    }
    msg.ack();
    log.error("event dead-lettered", { subject: msg.subject, seq: msg.seq, error, attempts });
    return "dead_lettered" as const;
  };
  const entry = (event: Envelope): InboxEntry => ({
    service: service.name,
    event,
    stream: def.stream,
    streamSeq: msg.seq,
  });

  const deliveries = msg.info.deliveryCount;
  let event: Envelope;
  try {
    event = parseEvent(msg.data);
    if (subjectOf(event.type, event.propertyId) !== msg.subject) {
      throw new MalformedEventError(`event ${event.type}/${event.propertyId} on ${msg.subject}`);
    }
  } catch (err) {
    return await giveUp(errorText(err), 0, null);
  }
  if (deliveries >= tuning.maxDeliver) {
    return await giveUp(`delivered ${deliveries} times without being settled`, 0, event);
  }

  const delays = opts.retryDelaysMs ?? RETRY_DELAYS_MS;
  let attempt = 0;
  let lastError = "";
  return await withLogContext(
    { correlationId: event.correlationId, eventId: event.id, consumer: def.name },
    async () => {
      while (true) {
        attempt++;
        try {
          const result = await applyOnce(
            opts.sql,
            entry(event),
            (tx) =>
              service.handle(
                tx,
                event as EventOf<never>,
                handlerContext(service.name, tx, event, msg.seq, attempt, deliveries),
              ),
          );
          msg.ack();
          return result;
        } catch (err) {
          if (isPgUnavailable(err)) {
            attempt--; // Postgres away is not the event's fault: wait, do not count it.
            log.warn("Postgres unavailable; waiting", { err });
            await sleep(1000, signal);
          } else {
            lastError = errorText(err);
            if (attempt > delays.length) break;
            log.warn("handler failed; retrying", { err, attempt, subject: msg.subject });
            await sleep(delays[attempt - 1], signal);
          }
          if (signal.aborted) {
            msg.nak();
            return "handed_back";
          }
        }
      }
      return await giveUp(lastError, attempt, event);
    },
  );
}

/** What a handler gets: `emit` appends events caused by the handled one to the outbox in `tx`. */
function handlerContext(
  service: string,
  tx: Sql,
  handled: Envelope,
  streamSeq: number,
  attempt: number,
  deliveries: number,
): HandlerContext {
  return {
    service,
    attempt,
    deliveries,
    streamSeq,
    async emit(type, data, o) {
      const e = makeEvent(type, o?.propertyId ?? handled.propertyId, data, {
        correlationId: handled.correlationId,
        causationId: handled.id,
      });
      await appendToOutbox(tx, [e as Envelope]);
      return e;
    },
  };
}

/**
 * Applies consecutive events of one property in ONE transaction, each through the inbox, and
 * acknowledges them after the commit; returns their outcomes (none when it applied nothing). It takes only the leading
 * events that parse and are on their first tries; if anything fails the whole transaction
 * rolls back and the caller settles them one by one (with retries and the DLQ), so a batch
 * never changes what happens to an event, only how many commits it takes.
 */
async function settleBatch(
  opts: RunServiceOptions,
  def: ConsumerDefinition,
  tuning: ConsumerTuning,
  msgs: JsMsg[],
): Promise<Outcome[]> {
  const events: Envelope[] = [];
  for (const msg of msgs) {
    if (msg.info.deliveryCount >= tuning.maxDeliver) break;
    try {
      const e = parseEvent(msg.data);
      if (subjectOf(e.type, e.propertyId) !== msg.subject) break;
      events.push(e);
    } catch {
      break;
    }
  }
  if (events.length < 2) return [];
  const { service } = opts;
  const outcomes: Outcome[] = [];
  await inTransaction(opts.sql, async (tx) => {
    for (const [i, event] of events.entries()) {
      const msg = msgs[i];
      const entry = { service: service.name, event, stream: def.stream, streamSeq: msg.seq };
      outcomes[i] = await withLogContext(
        { correlationId: event.correlationId, eventId: event.id, consumer: def.name },
        () =>
          applyOnceIn(tx, entry, (t) =>
            service.handle(
              t,
              event as EventOf<never>,
              handlerContext(service.name, t, event, msg.seq, 1, msg.info.deliveryCount),
            )),
      );
    }
  });
  for (const msg of msgs.slice(0, events.length)) msg.ack();
  return outcomes;
}
