import type { ConsumerConfig, ConsumerInfo, JetStreamManager } from "@nats-io/jetstream";
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  ReplayPolicy,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import type { Domain, EventType } from "../../shared/events/mod.ts";
import { catalogue, PARTITIONS } from "../../shared/events/mod.ts";
import type { Service, ServiceIdentity } from "./service.ts";

/** The priority group every berth consumer pins one client in. */
export const PIN_GROUP = "berth";

/** Tunables of the durable consumers; the defaults suit production. */
export interface ConsumerTuning {
  /** How long a delivered message may stay unacknowledged before redelivery. */
  ackWaitMs: number;
  /** Deliveries after which JetStream stops redelivering; the runtime dead-letters first. */
  maxDeliver: number;
  /** Messages delivered and not yet acknowledged, across all instances. */
  maxAckPending: number;
  /**
   * How long the pinned instance may stop pulling before another instance is pinned; at least
   * 2 s (pulls expire at half of it, and a pull lasts at least 1 s).
   */
  pinTimeoutMs: number;
}

/**
 * Production defaults for {@link ConsumerTuning}. The pin is long: a worker that takes over a
 * dead one's partition unpins it at once (see members.ts), so the timeout only matters when
 * nobody does; pulls expire well within it, so a quiet pinned worker keeps its pin. Long
 * pulls are what keep a quiet platform quiet: each costs a renewal and two idle heartbeats.
 */
export const defaultTuning: ConsumerTuning = {
  ackWaitMs: 30_000,
  maxDeliver: 10,
  maxAckPending: 1000,
  pinTimeoutMs: 120_000,
};

/** What a service reads from one stream: every partition (replays) or one (a consumer). */
export interface ConsumerDefinition {
  service: string;
  stream: string;
  /** `<service>-<stream>`, and `-<partition>` for one partition's durable consumer. */
  name: string;
  /** `<domain>.*.<event>.*` for each event type (`.<partition>` for one partition). */
  filterSubjects: string[];
  /** The event types this consumer receives. */
  events: EventType[];
  /** The partition of a durable consumer; null for the whole stream. */
  partition: number | null;
}

/** The durable consumers of a definition: one per partition of its stream. */
export function partitionsOf(def: ConsumerDefinition, partitions = PARTITIONS) {
  return Array.from({ length: partitions }, (_, k): ConsumerDefinition => ({
    ...def,
    name: `${def.name}-${k}`,
    filterSubjects: def.filterSubjects.map((f) => f.replace(/\.\*$/, `.${k}`)),
    partition: k,
  }));
}

/** Derives a service's consumers from the catalogue: one per stream its events live on. */
export function consumerDefinitions(service: ServiceIdentity): ConsumerDefinition[] {
  const byStream = new Map<string, ConsumerDefinition>();
  for (const type of [...new Set(service.events)]) {
    const [domain, event] = type.split(".", 2) as [Domain, string];
    const stream = catalogue[domain].stream;
    let def = byStream.get(stream);
    if (!def) {
      def = {
        service: service.name,
        stream,
        name: `${service.name}-${stream.toLowerCase()}`,
        filterSubjects: [],
        events: [],
        partition: null,
      };
      byStream.set(stream, def);
    }
    def.filterSubjects.push(`${domain}.*.${event}.*`);
    def.events.push(type);
  }
  return [...byStream.values()];
}

/** The JetStream configuration of a consumer definition. */
export function consumerConfig(def: ConsumerDefinition, tuning: ConsumerTuning): ConsumerConfig {
  return {
    durable_name: def.name,
    description: `berth ${def.service}: ${def.events.join(", ")}`,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
    filter_subjects: def.filterSubjects,
    ack_wait: nanos(tuning.ackWaitMs),
    max_deliver: tuning.maxDeliver,
    max_ack_pending: tuning.maxAckPending,
    priority_groups: [PIN_GROUP],
    priority_policy: "pinned_client",
    priority_timeout: nanos(tuning.pinTimeoutMs),
  };
}

function differs(current: ConsumerConfig, want: ConsumerConfig): boolean {
  const keys = [
    "description",
    "filter_subjects",
    "ack_wait",
    "max_deliver",
    "max_ack_pending",
    "priority_timeout",
  ] as const;
  return keys.some((k) => JSON.stringify(current[k]) !== JSON.stringify(want[k]));
}

/**
 * Creates each consumer of the services (one per partition), or updates one whose definition
 * changed (new events, other tuning), and deletes a service's consumers that are no longer
 * wanted (an event type or a partition dropped). Safe at every start-up and from several
 * instances at once.
 */
export async function provisionConsumers(
  jsm: JetStreamManager,
  services: Service[],
  tuning: ConsumerTuning = defaultTuning,
): Promise<{ created: string[]; updated: string[]; deleted: string[] }> {
  const created: string[] = [];
  const updated: string[] = [];
  const deleted: string[] = [];
  const defs = services.flatMap(consumerDefinitions);
  const wanted = new Set(defs.flatMap((d) => partitionsOf(d).map((p) => p.name)));
  for await (const stream of jsm.streams.names()) {
    for await (const c of jsm.consumers.list(stream)) {
      const owner = services.find((s) => c.config.description?.startsWith(`berth ${s.name}:`));
      if (owner && !wanted.has(c.name)) {
        await jsm.consumers.delete(stream, c.name).catch(() => {});
        deleted.push(c.name);
      }
    }
  }
  for (const def of defs.flatMap((d) => partitionsOf(d))) {
    const want = consumerConfig(def, tuning);
    let info: ConsumerInfo | null = null;
    try {
      info = await jsm.consumers.info(def.stream, def.name);
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound)) {
        throw err;
      }
    }
    if (!info) {
      // Creating with an identical config is idempotent on the server, so a race is harmless.
      await jsm.consumers.add(def.stream, want);
      created.push(def.name);
    } else if (differs(info.config, want)) {
      await jsm.consumers.update(def.stream, def.name, {
        description: want.description,
        filter_subjects: want.filter_subjects,
        ack_wait: want.ack_wait,
        max_deliver: want.max_deliver,
        max_ack_pending: want.max_ack_pending,
        priority_timeout: want.priority_timeout,
      });
      updated.push(def.name);
    }
  }
  return { created, updated, deleted };
}
