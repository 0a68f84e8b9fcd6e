import type { JetStreamClient } from "@nats-io/jetstream";
import type { Sql } from "../../shared/db/mod.ts";
import { isPgUnavailable } from "../../shared/db/mod.ts";
import type { Envelope } from "../../shared/events/mod.ts";
import { MalformedEventError, openEvent, subjectOf } from "../../shared/events/mod.ts";
import { log } from "../../shared/log/mod.ts";
import { sleep } from "../../shared/time/mod.ts";
import { afterFailure, RETRY_DELAYS_MS } from "./attempts.ts";
import { recordDeadLetter } from "./inbox.ts";
import { Backlog } from "./backlog.ts";
import type { Applied, BatchItem } from "./batch.ts";
import { applyItems } from "./batch.ts";
import { deadLetter } from "./dlq.ts";
import type { ConsumerTuning } from "./provision.ts";
import type { Held, Sink } from "./receiver.ts";
import type { Service } from "./service.ts";
import type { ConsumerMetrics, ConsumerOutcome } from "../../shared/metrics/mod.ts";
import { consumerMetrics, Registry } from "../../shared/metrics/mod.ts";

/** Most events applied in one batch (one transaction). */
export const MAX_BATCH = 500;

/** What happened to one message; reported through `onSettled` and counted. */
export type Outcome = ConsumerOutcome;

/** What an applier needs. */
export interface ApplierOptions {
  sql: Sql;
  js: JetStreamClient;
  // deno-lint-ignore no-explicit-any
  service: Service<any>;
  tuning: ConsumerTuning;
  /** Most events in one batch (default {@link MAX_BATCH}); 1 applies them one by one. */
  batch?: number;
  retryDelaysMs?: readonly number[];
  onSettled?: (info: { consumer: string; seq: number; outcome: Outcome }) => void;
  /** Where outcomes, batches and retries are counted (default: a registry of its own). */
  metrics?: ConsumerMetrics;
  /** The clock whose time handlers get and emitted events carry (default: real time). */
  now?: () => Date;
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** A message of a batch, with the receiver that holds it. */
type Item = BatchItem & { receiver: Held["receiver"]; property: string };

/**
 * Applies what a service's receivers hand it (every stream and partition it owns in this
 * process): they go into one backlog in stream order, and one apply loop takes everything that
 * may go (up to `batch` events, across properties and partitions) and applies it in one
 * transaction while the next batch gathers, so a service never runs two batches at once here
 * (two would touch the same projection rows in different orders). A batch that fails is
 * settled in halves until the failing event stands alone; that event is retried with backoff
 * while the later events of its property wait in the backlog and every other property goes on.
 */
export class Applier implements Sink {
  readonly #backlog = new Backlog<Held>();
  readonly #retries = new Set<Promise<void>>();
  readonly #metrics: ConsumerMetrics;
  readonly #now: () => Date;
  #open = true;

  constructor(readonly opts: ApplierOptions) {
    this.#now = opts.now ?? (() => new Date());
    this.#metrics = opts.metrics ?? consumerMetrics(new Registry(), [opts.service.name]);
  }

  push(h: Held): void {
    this.#backlog.push(h);
  }

  wake(): void {
    this.#backlog.wake();
  }

  release(receiver: Held["receiver"]): void {
    for (const h of this.#backlog.remove((x) => x.receiver === receiver)) this.#handBack(h);
  }

  /** Applies until `signal` aborts; then hands back what waits and lets retries end. */
  async run(signal: AbortSignal): Promise<void> {
    signal.addEventListener("abort", () => {
      this.#open = false;
      this.#backlog.wake();
    }, { once: true });
    const max = this.opts.batch ?? MAX_BATCH;
    while (this.#open) {
      const changed = this.#backlog.changed();
      const taken = this.#backlog.take(max, (h) => !h.receiver.barrier.blocks(h.property, h.seq));
      if (taken.length === 0) {
        await changed;
        continue;
      }
      await this.#settleInOrder(await this.#intake(taken), signal);
    }
    for (const h of this.#backlog.drain()) this.#handBack(h);
    await Promise.all(this.#retries);
  }

  /**
   * Opens each message (signature checked, then parsed; all at once): what cannot be applied
   * at all, malformed, unsigned or forged, goes to the DLQ at once, its reason in the error.
   */
  async #intake(taken: Held[]): Promise<Item[]> {
    const items: Item[] = [];
    const opened = await Promise.allSettled(taken.map((h) => openEvent(h.msg.data)));
    for (const [i, h] of taken.entries()) {
      let event: Envelope;
      try {
        const o = opened[i];
        if (o.status === "rejected") throw o.reason;
        event = o.value;
        if (!h.msg.subject.startsWith(`${subjectOf(event.type, event.propertyId)}.`)) {
          throw new MalformedEventError(
            `event ${event.type}/${event.propertyId} on ${h.msg.subject}`,
          );
        }
      } catch (err) {
        this.#settled(h, await this.#giveUp(h, null, errorText(err), 0));
        continue;
      }
      const deliveries = h.msg.info.deliveryCount;
      if (deliveries >= this.opts.tuning.maxDeliver) {
        const why = `delivered ${deliveries} times without being settled`;
        this.#settled(h, await this.#giveUp(h, event, why, 0));
        continue;
      }
      items.push({ ...h, event, stream: h.receiver.def.stream });
    }
    return items;
  }

  /**
   * Applies `items` in stream order: all in one transaction, or, when that fails, each half in
   * turn, down to the one event that fails, which is set aside to be retried (its property
   * blocked meanwhile). Items of a property blocked on the way go back to the backlog.
   */
  async #settleInOrder(items: Item[], signal: AbortSignal): Promise<void> {
    const parts = [items];
    while (parts.length) {
      const part = parts.shift()!;
      const go = part.filter((it) => !this.#backlog.isBlocked(it.key));
      this.#backlog.push(...part.filter((it) => this.#backlog.isBlocked(it.key)));
      if (go.length === 0) continue;
      try {
        this.#settleAll(go, await this.#apply(go, 1));
      } catch (err) {
        if (isPgUnavailable(err) && !signal.aborted) {
          // Postgres away is not the events' fault: wait and try the same batch again.
          log.warn("Postgres unavailable; waiting", { err, service: this.opts.service.name });
          await sleep(1000, signal);
          parts.unshift(go);
        } else if (signal.aborted) {
          for (const it of [...go, ...parts.flat()]) this.#handBack(it);
          return;
        } else if (go.length === 1) {
          this.#backlog.block(go[0].key);
          const retry = this.#retry(go[0], errorText(err), signal).finally(() => {
            this.#retries.delete(retry);
            this.#backlog.unblock(go[0].key);
          });
          this.#retries.add(retry);
        } else {
          const mid = Math.ceil(go.length / 2);
          parts.unshift(go.slice(0, mid), go.slice(mid));
        }
      }
    }
  }

  /** Acknowledges what was applied; what was put off goes back, its property blocked. */
  #settleAll(items: Item[], outcomes: Applied[]): void {
    const deferred = new Map<string, Promise<unknown>>();
    items.forEach((it, i) => {
      const o = outcomes[i];
      if (typeof o === "string") {
        it.msg.ack();
        return this.#settled(it, o);
      }
      this.#backlog.push(it);
      if (!deferred.has(it.key)) deferred.set(it.key, o.deferUntil);
    });
    for (const [key, until] of deferred) {
      this.#backlog.block(key);
      until.catch(() => {}).finally(() => this.#backlog.unblock(key));
    }
  }

  async #apply(items: Item[], attempt: number) {
    const service = this.opts.service.name;
    this.#metrics.batchSize.observe({ service }, items.length);
    const done = this.#metrics.batchSeconds.startTimer({ service });
    try {
      return await applyItems(this.opts.sql, this.opts.service, items, attempt, this.#now);
    } finally {
      done();
    }
  }

  /**
   * Retries an event that failed alone, as {@link afterFailure} says: with backoff, then the
   * DLQ. Postgres away is not a failed try: the same try is made again.
   */
  async #retry(it: Item, firstError: string, signal: AbortSignal): Promise<void> {
    const delays = this.opts.retryDelaysMs ?? RETRY_DELAYS_MS;
    let lastError = firstError;
    let failed = 1;
    for (let next = afterFailure(failed, delays); next !== "dead_letter";) {
      log.warn("event failed; retrying", {
        error: lastError,
        attempt: failed,
        subject: it.msg.subject,
      });
      await sleep(next.retryInMs, signal);
      if (signal.aborted) return this.#handBack(it);
      this.#metrics.retries.inc({ service: this.opts.service.name });
      try {
        return this.#settleAll([it], await this.#apply([it], failed + 1));
      } catch (err) {
        if (isPgUnavailable(err)) {
          log.warn("Postgres unavailable; waiting", { err });
          await sleep(1000, signal);
          continue;
        }
        lastError = errorText(err);
        next = afterFailure(++failed, delays);
      }
    }
    this.#settled(it, await this.#giveUp(it, it.event, lastError, failed, signal));
  }

  /** Sends a message to the DLQ, records it in the inbox, acknowledges it. */
  async #giveUp(
    h: Held,
    event: Envelope | null,
    error: string,
    attempts: number,
    signal?: AbortSignal,
  ): Promise<Outcome> {
    const { service } = this.opts;
    const def = h.receiver.def;
    const cause = {
      service: service.name,
      consumer: def.name,
      stream: def.stream,
      error,
      attempts,
    };
    for (;;) {
      try {
        await deadLetter(this.opts.js, h.msg, cause);
        break;
      } catch (err) {
        if (signal?.aborted || !this.#open) {
          h.msg.nak();
          return "handed_back";
        }
        log.warn("DLQ publish failed; retrying", { err });
        await sleep(1000, signal);
      }
    }
    if (event) {
      const entry = { service: service.name, event, stream: def.stream, streamSeq: h.seq };
      await recordDeadLetter(this.opts.sql, entry, error).catch((err) =>
        log.warn("dead letter not recorded in the inbox", { err, eventId: event.id })
      );
    }
    h.msg.ack();
    log.error("event dead-lettered", { subject: h.msg.subject, seq: h.seq, error, attempts });
    return "dead_lettered";
  }

  #handBack(h: Held): void {
    h.msg.nak();
    this.#settled(h, "handed_back");
  }

  #settled(h: Held, outcome: Outcome): void {
    h.receiver.settled(h.seq);
    this.#metrics.events.inc({ service: this.opts.service.name, outcome });
    this.opts.onSettled?.({ consumer: h.receiver.def.name, seq: h.seq, outcome });
  }
}
