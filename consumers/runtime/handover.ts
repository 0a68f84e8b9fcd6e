import type { JetStreamManager } from "@nats-io/jetstream";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { log } from "../../shared/log/mod.ts";
import { sleep } from "../../shared/time/mod.ts";
import type { Sql } from "../../shared/db/mod.ts";
import { parseSubject } from "../../shared/events/mod.ts";
import { settledEvents } from "./inbox.ts";
import type { ConsumerDefinition } from "./provision.ts";

interface Outstanding {
  key: string;
  eventId: string | null;
}

/**
 * The hand-over barrier. When an instance becomes the pinned client of a consumer (at start,
 * after a crash of the previous one, after a failover), messages an earlier holder had received
 * may still be unacknowledged: they come back only after their ack wait, while new messages
 * flow at once. The barrier lists those older messages (delivered, not acknowledged, not in the
 * inbox) and holds back any newer message of the same property until they are settled, so a
 * property's events are still applied in stream order. Other properties are not held.
 */
export class HandoverBarrier {
  #outstanding = new Map<number, Outstanding>();
  #rebuilding = false;
  #jsm: Promise<JetStreamManager>;
  #tick: ReturnType<typeof setInterval> | undefined;

  constructor(nc: NatsConnection, readonly sql: Sql, readonly def: ConsumerDefinition) {
    this.#jsm = jetstreamManager(nc);
  }

  /** Older messages still to settle. */
  get size(): number {
    return this.#outstanding.size;
  }

  /** True when a message of `key` at `seq` must wait for an older one of the same key. */
  blocks(key: string, seq: number): boolean {
    if (this.#rebuilding) return true;
    for (const [s, o] of this.#outstanding) if (s < seq && o.key === key) return true;
    return false;
  }

  /** The message at `seq` was acknowledged or handed back here. */
  settle(seq: number): void {
    this.#outstanding.delete(seq);
  }

  /**
   * Lists the messages delivered before now that are neither acknowledged, held by this
   * instance (`held`) nor recorded in the service's inbox, holding back every message meanwhile;
   * then watches them (see {@link watch}).
   */
  async rebuild(
    held: (seq: number) => boolean,
    changed: () => void,
    signal: AbortSignal,
  ): Promise<void> {
    this.#rebuilding = true;
    try {
      // Without the list the order cannot be kept: try again (a server may be changing leader).
      while (!signal.aborted) {
        try {
          await this.survey(held);
          break;
        } catch (err) {
          log.warn("hand-over: listing older messages failed; trying again", {
            err,
            consumer: this.def.name,
          });
          await sleep(500, signal);
        }
      }
    } finally {
      this.#rebuilding = false;
      changed();
    }
    this.watch(changed);
  }

  /**
   * Lists the outstanding messages as {@link rebuild} does, without holding anything back, and
   * returns the consumer's delivery sequence at that moment. A receiver surveys before its
   * first pull, while it holds nothing: when its first message then has the next delivery
   * sequence, nobody received anything in between, the list is complete and no rebuild (with
   * every message held back while it runs) is needed.
   */
  async survey(held: (seq: number) => boolean): Promise<number> {
    const jsm = await this.#jsm;
    const info = await jsm.consumers.info(this.def.stream, this.def.name);
    const delivered = info.delivered.stream_seq;
    const found = new Map<number, Outstanding>();
    if (info.num_ack_pending > 0) {
      // Only this consumer's partition: `<domain>.<property>.<event>.<partition>`.
      const domain = this.def.filterSubjects[0].split(".")[0];
      const subject = this.def.partition === null
        ? `${domain}.>`
        : `${domain}.*.*.${this.def.partition}`;
      let seq = info.ack_floor.stream_seq + 1;
      while (seq <= delivered) {
        const iter = await jsm.direct.getBatch(this.def.stream, {
          seq,
          batch: 1000,
          next_by_subj: subject,
        });
        let got = 0;
        try {
          for await (const m of iter) {
            got++;
            seq = m.seq + 1;
            if (m.seq > delivered) break;
            const parsed = parseSubject(m.subject);
            if (!parsed || !this.def.events.includes(parsed.type) || held(m.seq)) continue;
            if (parsed.partition !== this.def.partition) continue;
            found.set(m.seq, { key: parsed.propertyId, eventId: eventIdOf(m.data) });
          }
        } catch (err) {
          // 404: no message of the subject from `seq` on.
          if ((err as { code?: number }).code !== 404) throw err;
        }
        if (got === 0) break;
      }
    }
    this.#outstanding = found;
    await this.refresh();
    return info.delivered.consumer_seq;
  }

  /** While older messages are outstanding, looks again every 250 ms; `changed` when some settled. */
  watch(changed: () => void): void {
    this.stop();
    if (this.size === 0) return;
    log.info("hand-over: waiting for older messages", { n: this.size, consumer: this.def.name });
    this.#tick = setInterval(() => {
      if (this.size === 0) return this.stop();
      this.refresh().then(changed).catch((err) =>
        log.warn("hand-over barrier refresh failed", { err, consumer: this.def.name })
      );
    }, 250);
  }

  /** Stops looking (shutdown, or nothing outstanding any more). */
  stop(): void {
    clearInterval(this.#tick);
    this.#tick = undefined;
  }

  /** Drops what has been settled meanwhile: acknowledged, or recorded in the inbox. */
  async refresh(): Promise<void> {
    if (this.#outstanding.size === 0) return;
    const info = await (await this.#jsm).consumers.info(this.def.stream, this.def.name);
    for (const seq of this.#outstanding.keys()) {
      if (seq <= info.ack_floor.stream_seq) this.#outstanding.delete(seq);
    }
    const ids = [...this.#outstanding.values()].flatMap((o) => o.eventId ? [o.eventId] : []);
    const settled = await settledEvents(this.sql, this.def.service, ids);
    for (const [seq, o] of this.#outstanding) {
      if (o.eventId && settled.has(o.eventId)) this.#outstanding.delete(seq);
    }
  }
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function eventIdOf(data: Uint8Array): string | null {
  try {
    const id = JSON.parse(new TextDecoder().decode(data))?.id;
    return typeof id === "string" && uuid.test(id) ? id : null;
  } catch {
    return null;
  }
}
