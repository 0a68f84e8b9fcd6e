import type { JetStreamManager, StreamConfig } from "@nats-io/jetstream";
import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import type { Domain } from "./catalogue.ts";
import { catalogue, DLQ_PREFIX, DLQ_STREAM } from "./catalogue.ts";

/** The part of a stream's configuration berth owns; everything else is the server's default. */
export interface StreamDefinition {
  name: string;
  subjects: string[];
  description: string;
  duplicateWindowMs: number;
  /** How long the stream keeps a message (JetStream `max_age`); older ones are removed. */
  maxAgeMs: number;
  /** How stored subjects are rewritten: a domain stream appends the partition. */
  transform?: { src: string; dest: string };
}

/**
 * Partitions of every domain stream. The stream stores `<domain>.<property>.<event>` as
 * `<domain>.<property>.<event>.<partition>`, the partition being the server's hash of the
 * property token (`{{partition(n, 1)}}`), so a property's events always land in one partition
 * and each consumer partition keeps their order. Changing it moves properties to other
 * partitions: do it only with the streams drained.
 */
export const PARTITIONS = 4;

/** Window in which JetStream drops a re-published event with the same Nats-Msg-Id. */
export const DUPLICATE_WINDOW_MS = 10 * 60_000;

const DAY_MS = 86_400_000;

/**
 * How long a domain stream keeps an event: 7 days. Postgres is the source of truth and every
 * service keeps what it needs in its own tables, so a stream is a transport with a week of
 * slack: a consumer may be down for days and catch up, and a projection is rebuilt from its
 * latest snapshot (taken daily by the workers) plus the events since, which the streams still
 * hold (`./berth projections rebuild`, docs/services.md).
 */
export const STREAM_MAX_AGE_MS = 7 * DAY_MS;

/** How long a dead letter waits to be inspected and replayed: 30 days. */
export const DLQ_MAX_AGE_MS = 30 * DAY_MS;

/** One stream per domain of the catalogue, plus the dead-letter stream. */
export const streamDefinitions: StreamDefinition[] = [
  ...(Object.keys(catalogue) as Domain[]).map((domain) => ({
    name: catalogue[domain].stream,
    subjects: [`${domain}.>`],
    description: `berth ${domain} events: ${Object.keys(catalogue[domain].events).join(", ")}`,
    duplicateWindowMs: DUPLICATE_WINDOW_MS,
    maxAgeMs: STREAM_MAX_AGE_MS,
    transform: {
      src: `${domain}.*.*`,
      dest: `${domain}.{{wildcard(1)}}.{{wildcard(2)}}.{{partition(${PARTITIONS},1)}}`,
    },
  })),
  {
    name: DLQ_STREAM,
    subjects: [`${DLQ_PREFIX}.>`],
    description: "berth dead letters: messages that exhausted their deliveries or were malformed",
    duplicateWindowMs: DUPLICATE_WINDOW_MS,
    maxAgeMs: DLQ_MAX_AGE_MS,
  },
];

/** How many copies of each stream the servers keep. */
export interface Replication {
  /** Replicas of a stream: 1 on a single server, up to 3 in a cluster (see clusterReplicas). */
  replicas: number;
  /**
   * True when the number was chosen (BERTH_NATS_REPLICAS): a stream with more is lowered to it.
   * A number derived from the cluster only ever raises a stream: a server that is down while
   * provisioning runs makes the cluster look smaller than it is.
   */
  exact: boolean;
}

function toConfig(
  def: StreamDefinition,
  replicas: number,
): Partial<StreamConfig> & { name: string } {
  return {
    name: def.name,
    num_replicas: replicas,
    subjects: def.subjects,
    description: def.description,
    storage: "file" as StreamConfig["storage"],
    retention: "limits" as StreamConfig["retention"],
    duplicate_window: nanos(def.duplicateWindowMs),
    max_age: nanos(def.maxAgeMs),
    allow_direct: true,
    ...(def.transform ? { subject_transform: def.transform } : {}),
  };
}

/** The replicas a stream that has `current` should have. */
function replicasOf(current: number, replication: Replication): number {
  return replication.exact ? replication.replicas : Math.max(current, replication.replicas);
}

function differs(current: StreamConfig, want: Partial<StreamConfig>): boolean {
  return current.num_replicas !== want.num_replicas ||
    JSON.stringify(current.subjects) !== JSON.stringify(want.subjects) ||
    current.description !== want.description ||
    current.duplicate_window !== want.duplicate_window ||
    current.max_age !== want.max_age ||
    current.allow_direct !== want.allow_direct ||
    JSON.stringify(current.subject_transform ?? null) !==
      JSON.stringify(want.subject_transform ?? null);
}

/**
 * Creates every stream of the catalogue, or updates one whose definition or replicas changed
 * (JetStream moves a stream from one to three replicas in place, and its consumers, which
 * inherit their stream's replicas, with it). Safe to run at every start-up and from several
 * processes at once.
 */
export async function provisionStreams(
  jsm: JetStreamManager,
  replication: Replication = { replicas: 1, exact: false },
): Promise<{ created: string[]; updated: string[] }> {
  const created: string[] = [];
  const updated: string[] = [];
  for (const def of streamDefinitions) {
    try {
      const info = await jsm.streams.info(def.name);
      const want = toConfig(def, replicasOf(info.config.num_replicas, replication));
      if (differs(info.config, want)) {
        await jsm.streams.update(def.name, { ...info.config, ...want });
        updated.push(def.name);
      }
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) {
        throw err;
      }
      try {
        await jsm.streams.add(toConfig(def, replication.replicas));
        created.push(def.name);
      } catch (addErr) {
        // Another process created it between our info and add: that is what we wanted.
        if (!/already in use/i.test(String(addErr))) throw addErr;
      }
    }
  }
  return { created, updated };
}
