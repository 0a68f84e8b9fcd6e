/** The transactional outbox: append inside a transaction, relay to JetStream. */
export { appendToOutbox, outboxBacklog } from "./outbox.ts";
export type { RelayOptions } from "./relay.ts";
export { runRelay } from "./relay.ts";
