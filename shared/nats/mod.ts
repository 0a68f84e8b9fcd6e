/** NATS connections and consumer lag. */
export { oldestUnacked, readLag } from "./lag.ts";
export type { ConsumerLag, LagReport } from "./lag.ts";
export { clusterReplicas, connectNats, inboxPrefixOf, seedFileOf } from "./nats.ts";
export type { NatsAccess } from "./nats.ts";
