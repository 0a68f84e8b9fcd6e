/**
 * The consumer runtime every berth service runs on.
 *
 * A service is `{ name, events, handle(tx, event, ctx) }` or `{ name, events, applyBatch(sql,
 * batch) }` ({@link defineService}). For each stream its events live on, the runtime derives
 * one durable pull consumer from the event catalogue (`<service>-<stream>`, `filter_subjects`
 * `<domain>.*.<event>`, explicit ack, `max_deliver`, ack wait) and provisions it idempotently
 * ({@link provisionConsumers}).
 *
 * Batch first: what a consumer has received waits in a backlog in stream order; one apply loop
 * takes everything that may go (up to 500 events of many properties) and applies it in ONE
 * transaction, in stream order, which keeps every per-property order: the inbox rows of the
 * whole batch in one statement, each event's handler, then every emitted event in one
 * statement, and one commit. The next batch gathers while one commits. Services that touch
 * inventory apply the batch in one statement of their own instead (`applyBatch`), so a paused
 * worker never holds a lock a booking needs.
 *
 * Exactly-once effects: the inbox row `(service, event id)` commits with the effect; an event
 * found there is only acknowledged. Messages are acknowledged after the commit.
 *
 * A failing event: the batch rolls back and is settled in halves until the failing event
 * stands alone (a poison event costs its batch about 2·log2(n) extra transactions). It is then
 * retried alone after 100, 200, 400, 800 and 1600 ms; meanwhile the later events of its
 * property wait in the backlog and every other property goes on. After the first try and five
 * retries it is published to `dlq.<service>.<original subject>` (stream `DLQ`) with its
 * headers, payload, consumer name and last error, recorded as `dead_lettered` in the inbox, and
 * acknowledged. Malformed, unsigned and forged messages go to the DLQ at once, with their reason
 * (each message is opened with its signature checked: docs/events.md); so does a message delivered
 * `max_deliver` times (one that crashes the process). Postgres being unreachable is not counted
 * as a failure: the batch waits. A replay republishes to the original subject; an inbox row
 * `dead_lettered` does not stop it.
 *
 * One receiver per consumer at a time: consumers use a JetStream priority group with the
 * `pinned_client` policy; of all instances pulling, the server delivers to one pinned client;
 * when it stops pulling (crash, shutdown) for the pin timeout, another instance is pinned. The
 * hand-over barrier ({@link HandoverBarrier}): a newly pinned instance lists the events the
 * previous holder had received but not settled and holds back newer events of the same
 * properties until those are settled. Waiting messages are kept alive with `working()`.
 *
 * Tracing: each event is applied in a span of its own, child of the span that made it (its
 * message's `traceparent`); what a service emits or calls for an event continues that span
 * ({@link withinEvent}), so a booking's chain of events is one trace.
 *
 * Shutdown: aborting the signal stops fetching, lets the batch being applied commit, naks what
 * waits and unpins the consumer so a standby takes over at once.
 * @module
 */
export type {
  BatchClock,
  BatchContext,
  BatchEvent,
  EventOf,
  HandlerContext,
  Service,
  ServiceIdentity,
} from "./service.ts";
export { defineService, ServiceDefinitionError } from "./service.ts";
export type { Outcome, RunServiceOptions } from "./runner.ts";
export { MAX_BATCH, runService } from "./runner.ts";
export type { NextStep } from "./attempts.ts";
export { afterFailure, RETRY_DELAYS_MS } from "./attempts.ts";
export type { ConsumerDefinition, ConsumerTuning } from "./provision.ts";
export {
  consumerConfig,
  consumerDefinitions,
  defaultTuning,
  partitionsOf,
  PIN_GROUP,
  provisionConsumers,
} from "./provision.ts";
export { Members, MEMBERS_SUBJECT, ownerOf } from "./members.ts";
export { Backlog } from "./backlog.ts";
export type { Applied, BatchItem } from "./batch.ts";
export { applyItems, claimInbox } from "./batch.ts";
export { eventTraceContext, withinEvent } from "./spans.ts";
export { HandoverBarrier } from "./handover.ts";
export type { DeadLetter } from "./dlq.ts";
export {
  DeadLetterNotFound,
  DlqHeaders,
  dlqSubject,
  getDeadLetter,
  listDeadLetters,
  replayDeadLetter,
} from "./dlq.ts";
export type { ConsumerLag, LagReport } from "../../shared/nats/mod.ts";
export { readLag } from "../../shared/nats/mod.ts";
