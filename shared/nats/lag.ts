import type { JetStreamManager } from "@nats-io/jetstream";
import { DLQ_PREFIX, DLQ_STREAM } from "../events/catalogue.ts";
import { Gauge, type Registry } from "../metrics/metrics.ts";

/** How far one durable consumer is behind. */
export interface ConsumerLag {
  stream: string;
  consumer: string;
  /** Messages matching the consumer not yet delivered. */
  pending: number;
  /** Delivered and not yet acknowledged. */
  ackPending: number;
  /** Messages delivered more than once and still unacknowledged. */
  redelivered: number;
  /** Stream sequence of the last acknowledged message below which everything is acknowledged. */
  ackFloor: number;
  /** The instance (NATS client) pinned to receive, if any. */
  pinned: boolean;
}

/** Lag of every consumer on the berth streams, and dead letters per service. */
export interface LagReport {
  consumers: ConsumerLag[];
  deadLetters: Record<string, number>;
}

/** Reads consumer lag and DLQ counts from JetStream. */
export async function readLag(jsm: JetStreamManager): Promise<LagReport> {
  const consumers: ConsumerLag[] = [];
  const deadLetters: Record<string, number> = {};
  for await (const s of jsm.streams.list()) {
    if (s.config.name === DLQ_STREAM) {
      const info = await jsm.streams.info(DLQ_STREAM, { subjects_filter: `${DLQ_PREFIX}.>` });
      for (const [subject, n] of Object.entries(info.state.subjects ?? {})) {
        const service = subject.split(".")[1];
        deadLetters[service] = (deadLetters[service] ?? 0) + n;
      }
    }
    for await (const c of jsm.consumers.list(s.config.name)) {
      const group = (c as { priority_groups?: { group: string; pinned_client_id?: string }[] })
        .priority_groups?.find((g) => g.pinned_client_id);
      consumers.push({
        stream: s.config.name,
        consumer: c.name,
        pending: c.num_pending,
        ackPending: c.num_ack_pending,
        redelivered: c.num_redelivered,
        ackFloor: c.ack_floor.stream_seq,
        pinned: Boolean(group?.pinned_client_id),
      });
    }
  }
  return { consumers, deadLetters };
}

/**
 * Registers gauges on `registry` refreshed from JetStream before every scrape:
 * `berth_consumer_pending`, `berth_consumer_ack_pending`, `berth_consumer_redelivered`
 * (labels `stream`, `consumer`) and `berth_dlq_messages` (label `service`).
 */
export function registerLagMetrics(registry: Registry, jsm: JetStreamManager): void {
  const pending = registry.add(
    new Gauge("berth_consumer_pending", "Messages not yet delivered to the consumer"),
  );
  const ackPending = registry.add(
    new Gauge("berth_consumer_ack_pending", "Messages delivered and not yet acknowledged"),
  );
  const redelivered = registry.add(
    new Gauge("berth_consumer_redelivered", "Unacknowledged messages delivered more than once"),
  );
  const dlq = registry.add(new Gauge("berth_dlq_messages", "Dead letters in the DLQ per service"));
  registry.onCollect(async () => {
    const lag = await readLag(jsm);
    for (const g of [pending, ackPending, redelivered, dlq]) g.reset();
    for (const c of lag.consumers) {
      const labels = { stream: c.stream, consumer: c.consumer };
      pending.set(labels, c.pending);
      ackPending.set(labels, c.ackPending);
      redelivered.set(labels, c.redelivered);
    }
    for (const [service, n] of Object.entries(lag.deadLetters)) dlq.set({ service }, n);
  });
}
