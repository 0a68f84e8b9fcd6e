import type { NatsConnection, ServerInfo } from "@nats-io/transport-node";
import { connect, nkeyAuthenticator } from "@nats-io/transport-node";

/** Who berth is on a secured NATS, and how it checks the servers (README, "Security"). */
export interface NatsAccess {
  /**
   * The berth user to connect as (`api`, `relay`, `workers`, `cli` or a consuming service's
   * name). Its replies come to inboxes of its own (`_INBOX.<role>.…`), the only ones it may read.
   */
  role?: string;
  /** The folder of the users' NKey seeds, `<role>.nk` each (BERTH_NATS_KEYS); unset: none. */
  keys?: string;
  /** The CA that signed the servers' certificates (BERTH_NATS_CA), for `tls://` URLs. */
  ca?: string;
}

function existsSync(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** Where a role's replies come: inboxes only it may subscribe to. */
export function inboxPrefixOf(role: string): string {
  return `_INBOX.${role}`;
}

/** The file holding a role's NKey seed in a keys folder. */
export function seedFileOf(keys: string, role: string): string {
  return `${keys}/${role}.nk`;
}

/**
 * Connects to NATS, reconnecting forever; the api keeps working while NATS is away. With a
 * role and a keys folder it signs in as that role with its NKey (the seed is read again at
 * every reconnect, so a rotated key is used without a restart); with a `tls://` URL it speaks
 * TLS, verifying the servers against `ca` (else the system's CAs).
 */
export function connectNats(
  url: string,
  name: string,
  access: NatsAccess = {},
): Promise<NatsConnection> {
  const servers = url.split(",").map((s) => s.trim());
  const { role, keys, ca } = access;
  const seed = role && keys ? seedFileOf(keys, role) : null;
  if (seed && !existsSync(seed)) {
    return Promise.reject(new Error(`no NATS key for ${role}: ${seed} is missing`));
  }
  return connect({
    servers,
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
    ...(role ? { inboxPrefix: inboxPrefixOf(role) } : {}),
    ...(seed
      ? {
        authenticator: nkeyAuthenticator(() =>
          new TextEncoder().encode(Deno.readTextFileSync(seed).trim())
        ),
      }
      : {}),
    ...(servers.some((s) => s.startsWith("tls://")) ? { tls: ca ? { caFile: ca } : {} } : {}),
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
