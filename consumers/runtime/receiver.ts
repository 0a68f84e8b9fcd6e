import type { Consumer, JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Sql } from "../../shared/db/mod.ts";
import { parseSubject } from "../../shared/events/mod.ts";
import { log } from "../../shared/log/mod.ts";
import { sleep } from "../../shared/time/mod.ts";
import { HandoverBarrier } from "./handover.ts";
import type { ConsumerDefinition, ConsumerTuning } from "./provision.ts";
import { PIN_GROUP } from "./provision.ts";

/** Where JetStream announces a consumer's new leader: `.<stream>.<consumer>` follows. */
const LEADER_ELECTED = "$JS.EVENT.ADVISORY.CONSUMER.LEADER_ELECTED";

/** A received message: its sequence, ordering key, property and the receiver holding it. */
export interface Held {
  msg: JsMsg;
  seq: number;
  /** `<stream>:<property>`: the order that must hold. */
  key: string;
  property: string;
  receiver: Receiver;
}

/** Where a receiver hands what it receives. */
export interface Sink {
  push(h: Held): void;
  /** Something that held messages back (the hand-over barrier) changed. */
  wake(): void;
  /** Hands back (naks) what of `receiver` waits and has not started: it is handing over. */
  release(receiver: Receiver): void;
}

/**
 * Pulls one partition's durable consumer while this process owns it, as a pinned client of the
 * priority group, and hands every message to the service's applier. Started when the process
 * becomes the partition's owner (it unpins the consumer first, taking over from a previous
 * holder at once; the hand-over barrier keeps the order with what that holder still had), and
 * stopped when another process owns it: it stops pulling, hands back what waits, lets what is
 * being applied finish, then unpins, so the new owner is pinned at once.
 */
export class Receiver {
  readonly barrier: HandoverBarrier;
  readonly #held = new Map<number, Held>();
  #emptied = Promise.withResolvers<void>();
  #stop: AbortController | null = null;
  #running: Promise<void> | null = null;
  #stopping: Promise<void> | null = null;
  #wanted = false;

  constructor(
    readonly def: ConsumerDefinition,
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly tuning: ConsumerTuning,
    sql: Sql,
    readonly sink: Sink,
  ) {
    this.barrier = new HandoverBarrier(nc, sql, def);
  }

  get running(): boolean {
    return this.#running !== null;
  }

  /**
   * Starts pulling (no-op when it already does; after a stop under way, once it is done);
   * `signal` stops it for good.
   */
  start(signal: AbortSignal): void {
    this.#wanted = true;
    if (this.#stopping) {
      this.#stopping.then(() => this.#wanted && !signal.aborted && this.start(signal));
      return;
    }
    if (this.#running) return;
    const stop = this.#stop = new AbortController();
    const both = AbortSignal.any([signal, stop.signal]);
    this.#running = this.#receive(both).finally(() => this.#running = null);
  }

  /** Stops pulling, waits for what it holds to be settled, and gives up the pin. */
  stop(): Promise<void> {
    this.#wanted = false;
    if (this.#stopping) return this.#stopping;
    if (!this.#running) return Promise.resolve();
    this.#stopping = (async () => {
      this.#stop?.abort();
      await this.#running;
      // What waits goes back to the stream (the next owner gets it at once); what is being
      // applied or retried is let finish.
      this.sink.release(this);
      while (this.#held.size) await this.#emptied.promise;
      this.barrier.stop();
      await this.#unpin();
      log.info("handed over", { consumer: this.def.name });
    })().finally(() => this.#stopping = null);
    return this.#stopping;
  }

  /** The applier settled (acknowledged, dead-lettered or handed back) a message. */
  settled(seq: number): void {
    this.#held.delete(seq);
    this.barrier.settle(seq);
    if (this.#held.size === 0) {
      this.#emptied.resolve();
      this.#emptied = Promise.withResolvers<void>();
    }
  }

  /** Keeps what waits here from being redelivered. */
  working(): void {
    for (const h of this.#held.values()) h.msg.working();
  }

  async #unpin(): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    await jsm.consumers.unpin(this.def.stream, this.def.name, PIN_GROUP).catch(() => {});
  }

  async #receive(signal: AbortSignal): Promise<void> {
    const { def } = this;
    log.info("receiving", { consumer: def.name });
    await this.#unpin(); // take over from whoever held it: the barrier keeps the order
    let consumer: Consumer | null = null;
    while (!consumer && !signal.aborted) {
      consumer = await this.js.consumers.get(def.stream, def.name).catch(async (err) => {
        log.warn("consumer not reachable; retrying", { err, consumer: def.name });
        await sleep(1000, signal);
        return null;
      });
    }
    // What earlier holders still have, listed before this receiver holds anything (see survey).
    let surveyed: number | null = consumer
      ? await this.barrier.survey(() => false).catch(() => null)
      : null;
    // Pulls expire well within the pin timeout, so a quiet pinned receiver keeps its pin. Each
    // partition buffers at most 256 messages here: a process receives many partitions, and what
    // it holds beyond what its applier takes at once is only memory.
    const expires = Math.max(1000, Math.min(60_000, Math.floor(this.tuning.pinTimeoutMs / 2)));
    let pinId: string | null = null;
    // In a cluster the consumer's pulls wait at its leader. When that server dies, the new
    // leader knows none of them and the client would notice only after two missed heartbeats
    // (up to a minute): pull again (what was received is still handed on) when JetStream
    // announces a new leader. (An error: not allowed to subscribe; the heartbeats remain.)
    let repull = () => {};
    const elected = this.nc.subscribe(`${LEADER_ELECTED}.${def.stream}.${def.name}`, {
      callback: (err) => {
        if (!err) repull();
      },
    });
    signal.addEventListener("abort", () => elected.unsubscribe(), { once: true });
    while (consumer && !signal.aborted) {
      const messages = await consumer.consume({ max_messages: 256, group: PIN_GROUP, expires });
      const stop = repull = () => messages.stop();
      signal.addEventListener("abort", stop, { once: true });
      try {
        for await (const msg of messages) {
          if (signal.aborted) {
            msg.nak();
            continue;
          }
          if (this.#held.has(msg.seq)) continue; // a redelivery of what waits here already
          const property = parseSubject(msg.subject)?.propertyId ?? "";
          const held = { msg, seq: msg.seq, key: `${def.stream}:${property}`, property };
          const h: Held = { ...held, receiver: this };
          const pin = msg.headers?.get("Nats-Pin-Id") ?? "";
          if (pin !== pinId) {
            log.debug("pinned", { consumer: def.name, pin });
            pinId = pin;
            const wake = () => this.sink.wake();
            if (surveyed !== null && msg.info.deliverySequence === surveyed + 1) {
              this.barrier.watch(wake);
            } else {
              await this.barrier.rebuild((seq) => this.#held.has(seq), wake, signal);
            }
            surveyed = null;
          }
          // Held from here on, once nothing can throw before it is handed on: stop() waits for
          // every held message to be settled. Delivered to this receiver, whatever came before
          // it of its property is ours or listed, so it no longer waits for anyone else.
          this.#held.set(msg.seq, h);
          this.barrier.settle(msg.seq);
          this.sink.push(h);
        }
      } catch (err) {
        if (!signal.aborted) log.warn("consume interrupted; resuming", { err, consumer: def.name });
      } finally {
        signal.removeEventListener("abort", stop);
        messages.stop(); // an error in the loop leaves it open
        // What it received and did not hand on comes back only after its ack wait: the next
        // message lists it again (a rebuild), so nothing newer of its property overtakes it.
        pinId = null;
      }
      if (!signal.aborted) await sleep(500, signal);
    }
  }
}
