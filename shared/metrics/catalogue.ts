/**
 * Every metric a berth process keeps, defined in one place: name, help, labels and buckets.
 * docs/metrics.md lists them for operators, and a test checks that a running platform exports
 * each one. A part registers its families on its process's registry; `up`'s hub sums the
 * registries of every api and workers process (hub.ts), and the api adds the gauges read from
 * Postgres and JetStream (platform.ts).
 *
 * Every label value known at start-up gets its series at 0 (the services, outcomes, routes), so
 * a rate or an alert sees the first event, not only the second.
 */
import type { Registry } from "prom-client";
import { Counter, Gauge, Histogram } from "prom-client";

/** Seconds, from a millisecond to ten seconds: requests, batches, statements. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Seconds of a call to an outside party, up to the longest timeout berth allows. */
const CALL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Seconds from a hold to its confirmation: the saga's round trip, up to a slow provider. */
const CONFIRM_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** Events in one batch, up to the runtime's MAX_BATCH. */
const BATCH_SIZE_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500];

/** A documented operation of the api: its series exist from start-up. */
export interface RouteOf {
  method: string;
  /** As Hono names it: `/v1/reservations/:id`. */
  route: string;
  /** The status it answers when it succeeds. */
  status: number;
}

/** The HTTP side of an api process. */
export function httpMetrics(registry: Registry, routes: readonly RouteOf[] = []) {
  const requests = new Counter({
    name: "berth_http_requests_total",
    help: "HTTP requests by method, route and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "berth_http_request_duration_seconds",
    help: "HTTP request duration by method and route",
    labelNames: ["method", "route"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  for (const { method, route, status } of routes) {
    requests.inc({ method, route, status: String(status) }, 0);
    duration.zero({ method, route });
  }
  return { requests, duration };
}

/** `berth_build_info`: 1, labelled with the version (the same in every process: max, not sum). */
export function buildInfo(registry: Registry, version: string): void {
  new Gauge({
    name: "berth_build_info",
    help: "berth build information",
    labelNames: ["version", "deno"] as const,
    aggregator: "max",
    registers: [registry],
  }).set({ version, deno: Deno.version.deno }, 1);
}

/** What happened to a message a consumer received. */
export const CONSUMER_OUTCOMES = ["applied", "duplicate", "dead_lettered", "handed_back"] as const;
export type ConsumerOutcome = (typeof CONSUMER_OUTCOMES)[number];

/** The consumer runtime, per service. */
export function consumerMetrics(registry: Registry, services: readonly string[]) {
  const events = new Counter({
    name: "berth_consumer_events_total",
    help: "Events a service settled: applied, duplicate (applied before), dead_lettered, " +
      "handed_back (left to another process)",
    labelNames: ["service", "outcome"] as const,
    registers: [registry],
  });
  const batchSeconds = new Histogram({
    name: "berth_consumer_batch_seconds",
    help:
      "Time to apply one batch (one transaction, or the service's applyBatch), failed tries too",
    labelNames: ["service"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: "berth_consumer_batch_size",
    help: "Events in one batch applied",
    labelNames: ["service"] as const,
    buckets: BATCH_SIZE_BUCKETS,
    registers: [registry],
  });
  const retries = new Counter({
    name: "berth_consumer_retries_total",
    help: "Retries of an event that failed alone, before it goes to the DLQ",
    labelNames: ["service"] as const,
    registers: [registry],
  });
  for (const service of services) {
    for (const outcome of CONSUMER_OUTCOMES) events.inc({ service, outcome }, 0);
    batchSeconds.zero({ service });
    batchSize.zero({ service });
    retries.inc({ service }, 0);
  }
  return { events, batchSeconds, batchSize, retries };
}
export type ConsumerMetrics = ReturnType<typeof consumerMetrics>;

/** The outbox relay. */
export function relayMetrics(registry: Registry) {
  return {
    published: new Counter({
      name: "berth_relay_published_total",
      help: "Outbox events the relay published to JetStream and marked published",
      registers: [registry],
    }),
    failures: new Counter({
      name: "berth_relay_publish_failures_total",
      help: "Publishes JetStream did not acknowledge (the events are sent again)",
      registers: [registry],
    }),
    pageSeconds: new Histogram({
      name: "berth_relay_page_seconds",
      help: "From sending a page of outbox events to having them acknowledged and marked",
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    active: new Gauge({
      name: "berth_relay_active",
      help: "Relays holding the relay lock and publishing (1 expected; the others stand by)",
      registers: [registry],
    }),
  };
}
export type RelayMetrics = ReturnType<typeof relayMetrics>;

/** The hold-expiry sweeper. */
export function sweeperMetrics(registry: Registry) {
  return {
    expired: new Counter({
      name: "berth_sweeper_expired_total",
      help: "Holds the sweeper expired",
      registers: [registry],
    }),
    passSeconds: new Histogram({
      name: "berth_sweeper_pass_seconds",
      help: "Duration of one sweep over the overdue holds",
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    failures: new Counter({
      name: "berth_sweeper_failures_total",
      help: "Sweeps that failed (tried again after the interval)",
      registers: [registry],
    }),
  };
}
export type SweeperMetrics = ReturnType<typeof sweeperMetrics>;

/** Calls to the payment provider. */
export const PROVIDER_OPERATIONS = ["authorize", "capture", "refund", "void"] as const;
export type ProviderOperation = (typeof PROVIDER_OPERATIONS)[number];
/** How a provider call ended: `circuit_open` calls were never made. */
export const PROVIDER_OUTCOMES = [
  "ok",
  "declined",
  "rejected",
  "timeout",
  "error",
  "circuit_open",
] as const;
export type ProviderOutcome = (typeof PROVIDER_OUTCOMES)[number];
export const BREAKER_STATES = ["closed", "open", "half_open"] as const;

/** The payment provider behind its breaker, in one workers process. */
export function paymentMetrics(registry: Registry) {
  const calls = new Counter({
    name: "berth_payment_provider_calls_total",
    help: "Payment provider calls by operation and outcome",
    labelNames: ["operation", "outcome"] as const,
    registers: [registry],
  });
  const seconds = new Histogram({
    name: "berth_payment_provider_seconds",
    help: "Duration of the payment provider calls made (answered, failed or timed out)",
    labelNames: ["operation"] as const,
    buckets: CALL_BUCKETS,
    registers: [registry],
  });
  const breaker = new Gauge({
    name: "berth_payment_breaker",
    help: "Workers processes whose payment circuit breaker is in this state",
    labelNames: ["state"] as const,
    registers: [registry],
  });
  for (const operation of PROVIDER_OPERATIONS) {
    for (const outcome of PROVIDER_OUTCOMES) calls.inc({ operation, outcome }, 0);
    seconds.zero({ operation });
  }
  /** Records the breaker's state: 1 for it, 0 for the others. */
  const breakerState = (state: (typeof BREAKER_STATES)[number]) => {
    for (const s of BREAKER_STATES) breaker.set({ state: s }, s === state ? 1 : 0);
  };
  breakerState("closed");
  return { calls, seconds, breakerState };
}
export type PaymentMetrics = ReturnType<typeof paymentMetrics>;

/** The reservations service: how long a booking stays pending. */
export function reservationMetrics(registry: Registry) {
  return {
    confirmSeconds: new Histogram({
      name: "berth_reservation_confirm_seconds",
      help: "From a hold's creation (pending) to its confirmation after the payment",
      buckets: CONFIRM_BUCKETS,
      registers: [registry],
    }),
  };
}
export type ReservationMetrics = ReturnType<typeof reservationMetrics>;

/** The processes `up` runs, as the hub sees them. */
export const PROCESS_KINDS = ["api", "workers"] as const;

/** The hub's own: the processes behind the sums. */
export function hubMetrics(registry: Registry) {
  const processes = new Gauge({
    name: "berth_processes",
    help: "api and workers processes that answered the last scrape",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  const exits = new Counter({
    name: "berth_process_exits_total",
    help: "api and workers processes that exited (up starts them again)",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  for (const kind of PROCESS_KINDS) {
    processes.set({ kind }, 0);
    exits.inc({ kind }, 0);
  }
  return { processes, exits };
}

/** Read from Postgres and JetStream at each scrape, by the api process answering it. */
export function platformGauges(registry: Registry) {
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const consumer = ["service", "stream", "consumer"] as const;
  return {
    databaseUp: gauge("berth_database_up", "1 when Postgres answers, 0 when it does not"),
    natsUp: gauge("berth_nats_up", "1 when JetStream answers, 0 when it does not"),
    outboxBacklog: gauge("berth_outbox_backlog", "Outbox events not yet published"),
    outboxOldest: gauge(
      "berth_outbox_oldest_seconds",
      "Age of the oldest unpublished outbox event (0 when none waits)",
    ),
    inventory: gauge(
      "berth_inventory_units",
      "Units and seats of today's date (UTC) over every resource: total, held and sold",
      ["state"],
    ),
    pending: gauge(
      "berth_consumer_pending",
      "Messages not yet delivered to the consumer",
      consumer,
    ),
    ackPending: gauge(
      "berth_consumer_ack_pending",
      "Messages delivered and not yet acknowledged",
      consumer,
    ),
    redelivered: gauge(
      "berth_consumer_redelivered",
      "Unacknowledged messages delivered more than once",
      consumer,
    ),
    oldestUnacked: gauge(
      "berth_consumer_oldest_unacked_seconds",
      "Age of the oldest event the consumer has not acknowledged (0 when caught up)",
      consumer,
    ),
    dlq: gauge("berth_dlq_messages", "Dead letters in the DLQ per service", ["service"]),
  };
}
export type PlatformGauges = ReturnType<typeof platformGauges>;
