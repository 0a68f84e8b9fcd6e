import type { JetStreamManager } from "@nats-io/jetstream";
import { DLQ_PREFIX, DLQ_STREAM } from "../events/mod.ts";

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
  /** The subjects it receives (`>` for all). */
  filters: string[];
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
        filters: c.config.filter_subjects?.length
          ? c.config.filter_subjects
          : [c.config.filter_subject || ">"],
      });
    }
  }
  return { consumers, deadLetters };
}

/**
 * When the oldest message `c` has not acknowledged was stored (null when it has none): the first
 * message after its ack floor that its filters match, as everything up to the floor is
 * acknowledged. One direct get per filter subject.
 */
export async function oldestUnacked(jsm: JetStreamManager, c: ConsumerLag): Promise<Date | null> {
  if (c.pending + c.ackPending === 0) return null;
  const times = await Promise.all(
    c.filters.map((subject) =>
      jsm.direct.getMessage(c.stream, { seq: c.ackFloor + 1, next_by_subj: subject })
        .then((m) => m?.time.getTime() ?? null, () => null)
    ),
  );
  const found = times.filter((t) => t !== null);
  return found.length ? new Date(Math.min(...found)) : null;
}
