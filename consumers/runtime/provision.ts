import type { ConsumerConfig, ConsumerInfo, JetStreamManager } from "@nats-io/jetstream";
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  ReplayPolicy,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { catalogue, type Domain, type EventType } from "../../shared/events/catalogue.ts";
import type { Service } from "./service.ts";

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
  /** How long the pinned instance may stop pulling before another instance is pinned. */
  pinTimeoutMs: number;
}

/** Production defaults for {@link ConsumerTuning}. */
export const defaultTuning: ConsumerTuning = {
  ackWaitMs: 30_000,
  maxDeliver: 10,
  maxAckPending: 1000,
  pinTimeoutMs: 5_000,
};

/** One durable pull consumer of a service on one stream. */
export interface ConsumerDefinition {
  service: string;
  stream: string;
  name: string;
  /** `<domain>.*.<event>` for each event type of the service on this stream. */
  filterSubjects: string[];
  /** The event types this consumer receives. */
  events: EventType[];
}

/** Derives a service's consumers from the catalogue: one per stream its events live on. */
export function consumerDefinitions(service: Service): ConsumerDefinition[] {
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
      };
      byStream.set(stream, def);
    }
    def.filterSubjects.push(`${domain}.*.${event}`);
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
 * Creates each consumer of the services, or updates one whose definition changed (new events,
 * other tuning). Safe at every start-up and from several instances at once.
 */
export async function provisionConsumers(
  jsm: JetStreamManager,
  services: Service[],
  tuning: ConsumerTuning = defaultTuning,
): Promise<{ created: string[]; updated: string[] }> {
  const created: string[] = [];
  const updated: string[] = [];
  for (const def of services.flatMap(consumerDefinitions)) {
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
  return { created, updated };
}
