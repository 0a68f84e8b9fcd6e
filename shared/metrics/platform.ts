import type { JetStreamManager } from "@nats-io/jetstream";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { Registry } from "prom-client";
import type { Sql } from "../db/mod.ts";
import { inventoryOn } from "../booking/mod.ts";
import { oldestUnacked, readLag } from "../nats/mod.ts";
import { outboxBacklog } from "../outbox/mod.ts";
import { withTimeout } from "../time/mod.ts";
import { platformGauges } from "./catalogue.ts";

/** How long a scrape waits for Postgres or JetStream before it reads them as down. */
const SOURCE_TIMEOUT_MS = 2000;

/**
 * The platform's state as gauges, read from the source when a scrape comes, by the api process
 * answering it: whether Postgres and JetStream answer, the outbox backlog, today's inventory,
 * each consumer's lag and oldest unacknowledged event, and the dead letters of every service
 * (0 while it has none, so an alert sees the first). Whichever api process answers, the figures
 * are the same. A source that does not answer reads as down (`berth_database_up`,
 * `berth_nats_up` 0); the consumer and DLQ gauges are then left out and the outbox and
 * inventory ones keep their last reading.
 */
export class PlatformMetrics {
  readonly registry = new Registry();
  readonly #g = platformGauges(this.registry);
  #jsm: Promise<JetStreamManager> | null = null;
  #reading: Promise<void> | null = null;

  constructor(
    readonly sql: Sql,
    readonly nc: NatsConnection | null,
    readonly now: () => Date = () => new Date(),
  ) {}

  /** The gauges as Prometheus text, freshly read (scrapes arriving together share one read). */
  async metrics(): Promise<string> {
    this.#reading ??= Promise.all([this.#readPostgres(), this.#readNats()])
      .then(() => {})
      .finally(() => this.#reading = null);
    await this.#reading;
    return await this.registry.metrics();
  }

  async #readPostgres(): Promise<void> {
    const g = this.#g;
    const today = this.now().toISOString().slice(0, 10);
    try {
      const [backlog, inventory] = await withTimeout(
        Promise.all([outboxBacklog(this.sql), inventoryOn(this.sql, today)]),
        SOURCE_TIMEOUT_MS,
        "Postgres",
      );
      g.outboxBacklog.set(backlog.events);
      g.outboxOldest.set(backlog.oldestSeconds);
      for (const [state, n] of Object.entries(inventory)) g.inventory.set({ state }, n);
      g.databaseUp.set(1);
    } catch {
      g.databaseUp.set(0);
    }
  }

  async #readNats(): Promise<void> {
    const g = this.#g;
    const perConsumer = [g.pending, g.ackPending, g.redelivered, g.oldestUnacked, g.dlq];
    try {
      if (!this.nc || this.nc.isClosed()) throw new Error("no NATS connection");
      this.#jsm ??= jetstreamManager(this.nc, { checkAPI: false, timeout: SOURCE_TIMEOUT_MS });
      const jsm = await this.#jsm;
      const { lag, oldest } = await withTimeout(
        readLag(jsm).then(async (lag) => ({
          lag,
          oldest: await Promise.all(lag.consumers.map((c) => oldestUnacked(jsm, c))),
        })),
        SOURCE_TIMEOUT_MS,
        "JetStream",
      );
      const now = this.now().getTime();
      for (const gauge of perConsumer) gauge.reset();
      lag.consumers.forEach((c, i) => {
        const labels = { service: c.service, stream: c.stream, consumer: c.consumer };
        g.pending.set(labels, c.pending);
        g.ackPending.set(labels, c.ackPending);
        g.redelivered.set(labels, c.redelivered);
        const at = oldest[i]?.getTime() ?? now;
        g.oldestUnacked.set(labels, Math.max(0, (now - at) / 1000));
      });
      const services = new Set([
        ...lag.consumers.map((c) => c.service),
        ...Object.keys(lag.deadLetters),
      ]);
      for (const service of services) g.dlq.set({ service }, lag.deadLetters[service] ?? 0);
      g.natsUp.set(1);
    } catch {
      for (const gauge of perConsumer) gauge.reset();
      g.natsUp.set(0);
    }
  }
}
