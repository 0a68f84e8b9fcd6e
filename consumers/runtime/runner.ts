import type { Consumer, JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { isPgUnavailable, type Sql } from "../../shared/db/db.ts";
import { type Envelope, MalformedEventError, parseEvent } from "../../shared/events/envelope.ts";
import { parseSubject, subjectOf } from "../../shared/events/catalogue.ts";
import { log } from "../../shared/log/log.ts";
import { sleep } from "../../shared/time/mod.ts";
import { recordDeadLetter } from "./inbox.ts";
import { Backlog } from "./backlog.ts";
import { type Applied, applyItems, type BatchItem } from "./batch.ts";
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
import type { Service } from "./service.ts";

/** Waits between the tries of a failing event: five retries after the first try. */
export const RETRY_DELAYS_MS: readonly number[] = [100, 200, 400, 800, 1600];

/** Most events applied in one batch (one transaction). */
export const MAX_BATCH = 500;

/** What happened to one message; reported through `onSettled`. */
export type Outcome = "applied" | "duplicate" | "dead_lettered" | "handed_back";

/** How to run a service. */
export interface RunServiceOptions {
  sql: Sql;
  nc: NatsConnection;
  // deno-lint-ignore no-explicit-any
  service: Service<any>;
  /** Aborting stops fetching, finishes the batch being applied and naks the rest. */
  signal: AbortSignal;
  /** Most events in one batch (default {@link MAX_BATCH}); 1 applies them one by one. */
  batch?: number;
  retryDelaysMs?: readonly number[];
  tuning?: Partial<ConsumerTuning>;
  /** Called after each message is settled: for metrics and tests. */
  onSettled?: (info: { consumer: string; seq: number; outcome: Outcome }) => void;
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/**
 * Runs a service until `signal` aborts: provisions its consumers (idempotent), then pulls each
 * as a pinned client of the priority group and applies what arrives in batches.
 */
export async function runService(opts: RunServiceOptions): Promise<void> {
  const tuning = { ...defaultTuning, ...opts.tuning };
  const jsm = await jetstreamManager(opts.nc);
  await provisionConsumers(jsm, [opts.service], tuning);
  const js = jetstream(opts.nc);
  const turn = new Turn();
  await Promise.all(
    consumerDefinitions(opts.service).map((def) =>
      new ConsumerRun(opts, def, tuning, js, turn).run()
    ),
  );
}

/**
 * One batch of a service at a time in this process, whichever of its consumers (streams) it
 * comes from: two batches of one service would touch the same projection rows in different
 * orders (occupancy, daily KPIs) and could deadlock each other.
 */
class Turn {
  #last: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after every earlier `fn` has settled. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#last.then(fn, fn);
    this.#last = next.catch(() => {});
    return next;
  }
}

/** A received message waiting in the backlog. */
interface Held {
  msg: JsMsg;
  seq: number;
  key: string;
}

/**
 * One consumer of a service: a receive loop that puts messages in the backlog, and an apply
 * loop that takes everything that may go (up to `batch`, across properties, in stream order)
 * and applies it in one transaction while the next batch gathers. A batch that fails is settled
 * in halves until the failing event stands alone; that event is retried with backoff while the
 * later events of its property wait in the backlog and every other property goes on.
 */
class ConsumerRun {
  readonly #backlog = new Backlog<Held>();
  /** Everything received and not yet settled, by stream sequence (kept alive by heartbeats). */
  readonly #held = new Map<number, Held>();
  readonly #retries = new Set<Promise<void>>();
  readonly #barrier: HandoverBarrier;
  #receiving = true;

  constructor(
    readonly opts: RunServiceOptions,
    readonly def: ConsumerDefinition,
    readonly tuning: ConsumerTuning,
    readonly js: JetStreamClient,
    readonly turn: Turn,
  ) {
    this.#barrier = new HandoverBarrier(opts.nc, opts.sql, def);
  }

  async run(): Promise<void> {
    // Keep what waits here (queued, retrying, behind the barrier) from being redelivered.
    const heartbeat = setInterval(() => {
      for (const h of this.#held.values()) h.msg.working();
    }, Math.max(100, this.tuning.ackWaitMs / 3));
    try {
      await Promise.all([this.#receive().finally(() => this.#stopApplying()), this.#applyLoop()]);
      await Promise.all(this.#retries);
    } finally {
      clearInterval(heartbeat);
      this.#barrier.stop();
    }
    log.info("consumer stopped", { consumer: this.def.name });
  }

  #stopApplying(): void {
    this.#receiving = false;
    this.#backlog.wake();
  }

  async #receive(): Promise<void> {
    const { signal } = this.opts;
    const { def } = this;
    let consumer: Consumer | null = null;
    while (!consumer && !signal.aborted) {
      consumer = await this.js.consumers.get(def.stream, def.name).catch(async (err) => {
        log.warn("consumer not reachable; retrying", { err, consumer: def.name });
        await sleep(1000, signal);
        return null;
      });
    }
    let pinId: string | null = null;
    try {
      while (consumer && !signal.aborted) {
        const messages = await consumer.consume({ max_messages: 1000, group: PIN_GROUP });
        const stop = () => messages.stop();
        signal.addEventListener("abort", stop, { once: true });
        log.info("consuming", { consumer: def.name, stream: def.stream });
        try {
          for await (const msg of messages) {
            if (signal.aborted) {
              msg.nak();
              continue;
            }
            if (this.#held.has(msg.seq)) continue; // a redelivery of what waits here already
            const held = { msg, seq: msg.seq, key: parseSubject(msg.subject)?.propertyId ?? "" };
            this.#held.set(msg.seq, held);
            const pin = msg.headers?.get("Nats-Pin-Id") ?? "";
            if (pin !== pinId) {
              pinId = pin;
              await this.#barrier.rebuild((seq) => this.#held.has(seq), () => this.#backlog.wake());
            }
            this.#backlog.push(held);
          }
        } catch (err) {
          if (!signal.aborted) {
            log.warn("consume interrupted; resuming", { err, consumer: def.name });
          }
        } finally {
          signal.removeEventListener("abort", stop);
        }
        if (!signal.aborted) await sleep(500, signal);
      }
    } finally {
      if (pinId) {
        const jsm = await jetstreamManager(this.opts.nc);
        await jsm.consumers.unpin(def.stream, def.name, PIN_GROUP).catch(() => {});
      }
    }
  }

  async #applyLoop(): Promise<void> {
    const max = this.opts.batch ?? MAX_BATCH;
    while (this.#receiving) {
      const changed = this.#backlog.changed();
      const taken = this.#backlog.take(max, (h) => !this.#barrier.blocks(h.key, h.seq));
      if (taken.length === 0) {
        await changed;
        continue;
      }
      await this.#settleInOrder(await this.#intake(taken));
    }
    for (const h of this.#backlog.drain()) {
      h.msg.nak();
      this.#held.delete(h.seq);
    }
  }

  /** Parses each message; what cannot be applied at all goes to the DLQ at once. */
  async #intake(taken: Held[]): Promise<BatchItem[]> {
    const items: BatchItem[] = [];
    for (const h of taken) {
      let event: Envelope;
      try {
        event = parseEvent(h.msg.data);
        if (subjectOf(event.type, event.propertyId) !== h.msg.subject) {
          throw new MalformedEventError(
            `event ${event.type}/${event.propertyId} on ${h.msg.subject}`,
          );
        }
      } catch (err) {
        this.#settled(h, await this.#giveUp(h, null, errorText(err), 0));
        continue;
      }
      const deliveries = h.msg.info.deliveryCount;
      if (deliveries >= this.tuning.maxDeliver) {
        const why = `delivered ${deliveries} times without being settled`;
        this.#settled(h, await this.#giveUp(h, event, why, 0));
        continue;
      }
      items.push({ msg: h.msg, seq: h.seq, key: h.key, event, stream: this.def.stream });
    }
    return items;
  }

  /**
   * Applies `items` in stream order: all in one transaction, or, when that fails, each half in
   * turn, down to the one event that fails, which is set aside to be retried (its property
   * blocked meanwhile). Items of a property blocked on the way go back to the backlog.
   */
  async #settleInOrder(items: BatchItem[]): Promise<void> {
    const { signal } = this.opts;
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
          log.warn("Postgres unavailable; waiting", { err, consumer: this.def.name });
          await sleep(1000, signal);
          parts.unshift(go);
        } else if (signal.aborted) {
          for (const it of [...go, ...parts.flat()]) this.#handBack(it);
          return;
        } else if (go.length === 1) {
          this.#backlog.block(go[0].key);
          const retry = this.#retry(go[0], errorText(err)).finally(() => {
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
  #settleAll(items: BatchItem[], outcomes: Applied[]): void {
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

  #apply(items: BatchItem[], attempt: number) {
    return this.turn.run(() => applyItems(this.opts.sql, this.opts.service, items, attempt));
  }

  /** Retries an event that failed alone: five times with backoff, then the DLQ. */
  async #retry(it: BatchItem, firstError: string): Promise<void> {
    const { signal } = this.opts;
    const delays = this.opts.retryDelaysMs ?? RETRY_DELAYS_MS;
    let lastError = firstError;
    let attempt = 1;
    while (attempt <= delays.length) {
      log.warn("event failed; retrying", { error: lastError, attempt, subject: it.msg.subject });
      await sleep(delays[attempt - 1], signal);
      if (signal.aborted) return this.#handBack(it);
      try {
        return this.#settleAll([it], await this.#apply([it], attempt + 1));
      } catch (err) {
        if (isPgUnavailable(err)) {
          log.warn("Postgres unavailable; waiting", { err });
          await sleep(1000, signal);
          continue;
        }
        lastError = errorText(err);
        attempt++;
      }
    }
    this.#settled(it, await this.#giveUp(it, it.event, lastError, attempt));
  }

  /** Sends a message to the DLQ, records it in the inbox, acknowledges it. */
  async #giveUp(
    h: Held,
    event: Envelope | null,
    error: string,
    attempts: number,
  ): Promise<Outcome> {
    const { signal, service } = this.opts;
    const { def } = this;
    const cause = {
      service: service.name,
      consumer: def.name,
      stream: def.stream,
      error,
      attempts,
    };
    for (;;) {
      try {
        await deadLetter(this.js, h.msg, cause);
        break;
      } catch (err) {
        if (signal.aborted) {
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
    this.#held.delete(h.seq);
    this.#barrier.settle(h.seq);
    this.opts.onSettled?.({ consumer: this.def.name, seq: h.seq, outcome });
  }
}
