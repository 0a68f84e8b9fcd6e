import { connect, type NatsConnection } from "@nats-io/transport-node";

/** Connects to NATS, reconnecting forever; the api keeps working while NATS is away. */
export function connectNats(url: string, name: string): Promise<NatsConnection> {
  return connect({
    servers: url.split(",").map((s) => s.trim()),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
  });
}
