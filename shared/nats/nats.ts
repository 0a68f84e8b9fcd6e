import { connect, type NatsConnection, type ServerInfo } from "@nats-io/transport-node";

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

/**
 * Most replicas berth gives a stream unless told otherwise: three copies survive the loss of
 * any one server, and every further copy only adds to each write's latency.
 */
export const MAX_REPLICAS = 3;

/**
 * The replicas a stream gets on the server of `info`: one outside a cluster, else the servers of
 * its cluster (its INFO lists their client URLs), at most MAX_REPLICAS. A cluster that does not
 * advertise its servers gets MAX_REPLICAS (BERTH_NATS_REPLICAS says otherwise).
 */
export function clusterReplicas(info: ServerInfo | undefined): number {
  if (!info?.cluster) return 1;
  const servers = new Set(info.connect_urls ?? []).size;
  return servers ? Math.min(MAX_REPLICAS, servers) : MAX_REPLICAS;
}
