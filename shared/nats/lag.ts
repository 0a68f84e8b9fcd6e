import type { ConsumerInfo, JetStreamManager } from "@nats-io/jetstream";
import { DLQ_PREFIX, DLQ_STREAM } from "../events/catalogue.ts";

/** How far one durable consumer is behind. */
export interface ConsumerLag {
  /** The berth service reading through it (from its description); else the consumer's name. */
  service: string;
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
  /** When the oldest message the consumer has not acknowledged was stored; null when none. */
  oldestUnacked: Date | null;
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
        service: /^berth ([^:]+):/.exec(c.config.description ?? "")?.[1] ?? c.name,
        stream: s.config.name,
        consumer: c.name,
        pending: c.num_pending,
        ackPending: c.num_ack_pending,
        redelivered: c.num_redelivered,
        ackFloor: c.ack_floor.stream_seq,
        pinned: Boolean(group?.pinned_client_id),
        oldestUnacked: await oldestUnacked(jsm, c),
      });
    }
  }
  return { consumers, deadLetters };
}

/**
 * The stored time of the first message after the consumer's ack floor that its filters match:
 * the oldest it has not acknowledged (everything up to the floor is). One direct get per filter
 * subject, only for a consumer with work.
 */
async function oldestUnacked(jsm: JetStreamManager, c: ConsumerInfo): Promise<Date | null> {
  if (c.num_pending + c.num_ack_pending === 0) return null;
  const { filter_subjects, filter_subject } = c.config;
  const filters = filter_subjects?.length ? filter_subjects : [filter_subject || ">"];
  const seq = c.ack_floor.stream_seq + 1;
  const times = await Promise.all(
    filters.map((subject) =>
      jsm.direct.getMessage(c.stream_name, { seq, next_by_subj: subject })
        .then((m) => m?.time.getTime() ?? null, () => null)
    ),
  );
  const found = times.filter((t) => t !== null);
  return found.length ? new Date(Math.min(...found)) : null;
}
