/** The transactional outbox: append inside a transaction, relay to JetStream. */
export { appendToOutbox } from "./outbox.ts";
export { type RelayOptions, runRelay } from "./relay.ts";
