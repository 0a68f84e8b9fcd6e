/**
 * The consumer runtime every berth service runs on.
 *
 * A service is `{ name, events, handle(tx, event, ctx) }` ({@link defineService}). For each
 * stream its events live on, the runtime derives one durable pull consumer from the event
 * catalogue (`<service>-<stream>`, `filter_subjects` `<domain>.*.<event>`, explicit ack,
 * `max_deliver`, ack wait) and provisions it idempotently ({@link provisionConsumers}).
 *
 * Exactly-once effects: each message is parsed with `parseEvent`; the handler runs inside one
 * Postgres transaction that first inserts `(service, event id)` into `consumer_inbox`. A
 * redelivered event finds its row and is only acknowledged. Events the handler emits with
 * `ctx.emit` go to the outbox in the same transaction (causation id = the handled event).
 *
 * Order per property, the design:
 * 1. One receiver per consumer at a time. Consumers use a JetStream priority group with the
 *    `pinned_client` policy: of all instances pulling, the server delivers to one pinned
 *    client; when it stops pulling (crash, shutdown, partition) for the pin timeout, another
 *    instance is pinned. So instances are hot standbys for a consumer, and the service scales
 *    across properties inside the active instance (and across services and streams).
 * 2. Keyed concurrency inside the instance ({@link Lanes}): one lane per property (the subject's
 *    property token). A lane runs one event at a time in stream-sequence order; lanes run in
 *    parallel up to `concurrency`. Events that queue up in a lane are applied up to `batch` at a
 *    time in one transaction (all or nothing; on a failure they are settled one by one). A
 *    failing event is retried inside its lane (100, 200, 400,
 *    800, 1600 ms), so later events of that property wait while other properties go on.
 * 3. The hand-over barrier ({@link HandoverBarrier}): when an instance becomes pinned (a new
 *    `Nats-Pin-Id`), events the previous holder had received but not acknowledged come back
 *    only after their ack wait, while newer events arrive at once. The new holder lists those
 *    older events (delivered, unacknowledged, not in the inbox) and holds back newer events of
 *    the same properties until the older ones are settled.
 * Waiting messages are kept alive with `working()`, so the ack wait only matters after a crash.
 *
 * Retries and the DLQ: after the first try and five retries an event is published to
 * `dlq.<service>.<original subject>` (stream `DLQ`) with its headers, payload, consumer name and
 * last error, recorded as `dead_lettered` in the inbox, and acknowledged. Malformed messages
 * go to the DLQ at once; so does a message delivered `max_deliver` times (one that crashes
 * the process). Postgres being unreachable is not counted as a failure: the event waits.
 * A replay republishes to the original subject; an inbox row `dead_lettered` does not stop it.
 *
 * Shutdown: aborting the signal stops fetching, lets running handlers finish, naks what waits
 * and unpins the consumer so a standby takes over at once.
 *
 * @example
 * ```ts
 * const audit = defineService({
 *   name: "audit",
 *   events: ["reservation.created", "reservation.cancelled"],
 *   async handle(tx, event, ctx) {
 *     await tx`insert into audit_log (event_id, type) values (${event.id}, ${event.type})`;
 *     if (event.type === "reservation.cancelled") {
 *       const note = { channel: "email", target: "ops@example.com", attempts: 1 } as const;
 *       await ctx.emit("notification.sent", { ...note, eventId: event.id, eventType: event.type });
 *     }
 *   },
 * });
 * await runService({ sql, nc, service: audit, signal });
 * ```
 * @module
 */
export { defineService, type EventOf, type HandlerContext, type Service } from "./service.ts";
export { ServiceDefinitionError } from "./service.ts";
export { type Outcome, RETRY_DELAYS_MS, runService, type RunServiceOptions } from "./runner.ts";
export {
  type ConsumerDefinition,
  consumerDefinitions,
  type ConsumerTuning,
  defaultTuning,
  PIN_GROUP,
  provisionConsumers,
} from "./provision.ts";
export { Lanes } from "./lanes.ts";
export { HandoverBarrier } from "./handover.ts";
export {
  type DeadLetter,
  DeadLetterNotFound,
  DlqHeaders,
  dlqSubject,
  getDeadLetter,
  listDeadLetters,
  replayDeadLetter,
} from "./dlq.ts";
export {
  type ConsumerLag,
  type LagReport,
  readLag,
  registerLagMetrics,
} from "../../shared/nats/lag.ts";
