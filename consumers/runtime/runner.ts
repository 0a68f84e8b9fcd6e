import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Sql } from "../../shared/db/mod.ts";
import { uuidv7 } from "../../shared/ids/mod.ts";
import { log } from "../../shared/log/mod.ts";
import { sleep } from "../../shared/time/mod.ts";
import type { Outcome } from "./applier.ts";
import { Applier } from "./applier.ts";
import { Members } from "./members.ts";
import type { ConsumerTuning } from "./provision.ts";
import {
  consumerDefinitions,
  defaultTuning,
  partitionsOf,
  provisionConsumers,
} from "./provision.ts";
import { Receiver } from "./receiver.ts";
import type { Service } from "./service.ts";
import type { ConsumerMetrics } from "../../shared/metrics/mod.ts";

export type { Outcome } from "./applier.ts";
export { MAX_BATCH } from "./applier.ts";

/** How to run a service. */
export interface RunServiceOptions {
  sql: Sql;
  nc: NatsConnection;
  // deno-lint-ignore no-explicit-any
  service: Service<any>;
  /** Aborting stops fetching, finishes the batch being applied and naks the rest. */
  signal: AbortSignal;
  /**
   * The workers processes alive, shared by every service of the process (it decides which
   * partitions this process receives). Default: a group of this service's instances alone.
   */
  members?: Members;
  /** Most events in one batch (default {@link MAX_BATCH}); 1 applies them one by one. */
  batch?: number;
  retryDelaysMs?: readonly number[];
  tuning?: Partial<ConsumerTuning>;
  /** Called after each message is settled: for tests. */
  onSettled?: (info: { consumer: string; seq: number; outcome: Outcome }) => void;
  /** Where the service's outcomes, batches and retries are counted (the process's registry). */
  metrics?: ConsumerMetrics;
  /** The clock whose time handlers get and emitted events carry (default: real time). */
  now?: () => Date;
}

/**
 * Runs a service until `signal` aborts: provisions its consumers (one per stream and partition,
 * idempotent), receives the partitions this process owns among the live workers processes (and
 * takes over or hands over partitions as processes come and go), and applies what arrives in
 * batches.
 */
export async function runService(opts: RunServiceOptions): Promise<void> {
  const { signal, nc } = opts;
  const tuning = { ...defaultTuning, ...opts.tuning };
  // NATS may be away (restarting) while the process starts: try again until it answers, rather
  // than end the process.
  for (;;) {
    try {
      await provisionConsumers(await jetstreamManager(nc), [opts.service], tuning);
      break;
    } catch (err) {
      if (signal.aborted) return;
      log.warn("provisioning consumers failed; retrying", { err, service: opts.service.name });
      await sleep(1000, signal);
    }
  }
  let members = opts.members;
  if (!members) {
    members = new Members({ id: uuidv7(), group: opts.service.name });
    await members.join(nc, signal);
  }
  const js = jetstream(nc);
  const applier = new Applier({ ...opts, js, tuning });
  const receivers = consumerDefinitions(opts.service).flatMap((d) => partitionsOf(d)).map((def) =>
    new Receiver(def, nc, js, tuning, opts.sql, applier)
  );
  // Keep what waits here (queued, retrying, behind the barrier) from being redelivered.
  const heartbeat = setInterval(() => {
    for (const r of receivers) r.working();
  }, Math.max(100, tuning.ackWaitMs / 3));
  const m = members;
  const assign = () => {
    if (signal.aborted) return;
    for (const r of receivers) {
      if (m.owns(r.def.name)) r.start(signal);
      else if (r.running) r.stop().catch(() => {});
    }
  };
  const unlisten = m.onChange(assign);
  assign();
  try {
    await applier.run(signal);
    await Promise.all(receivers.map((r) => r.stop()));
  } finally {
    unlisten();
    clearInterval(heartbeat);
  }
}
