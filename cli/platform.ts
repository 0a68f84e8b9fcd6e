import { jetstreamManager } from "@nats-io/jetstream";
import { connectDb, migrate } from "../shared/db/mod.ts";
import type { NatsAccess } from "../shared/nats/mod.ts";
import { clusterReplicas, connectNats } from "../shared/nats/mod.ts";
import type { Replication } from "../shared/events/mod.ts";
import { provisionStreams } from "../shared/events/mod.ts";
import { ConfigError, loadConfig } from "../shared/config/mod.ts";
import type { NatsNodeSpec } from "./infra/mod.ts";
import {
  alive,
  clusterFormed,
  clusterNodes,
  DATA,
  ensureCertificates,
  ensureTool,
  ensureUsers,
  gone,
  LocalPostgres,
  LOGS,
  NATS_MONITOR_PORT,
  NATS_PORT,
  NatsServer,
  natsUrlOf,
  tlsFilesIn,
  waitForPort,
} from "./infra/mod.ts";
import type { ChildSpec, Supervisor } from "./supervisor.ts";

/** The infrastructure berth talks to, and what it started itself (to stop it again). */
export interface Infra {
  databaseUrl: string;
  natsUrl: string;
  /** berth's NATS keys and CA: BERTH_NATS_KEYS and BERTH_NATS_CA for every process. */
  natsAccess: Omit<NatsAccess, "role">;
  stop(): Promise<void>;
}

export const localPostgres = new LocalPostgres();

/** The private cluster's node k (from 0) routes on BERTH_NATS_PORT + this + k. */
const ROUTE_PORT_OFFSET = 10;
/** Where the nodes of the private cluster keep their stores, one folder each. */
const NATS_CLUSTER_DIR = `${DATA}/nats-cluster`;

/** Where the NKey seeds of berth's NATS users are: BERTH_NATS_KEYS, else .data/nats-keys. */
export function natsKeysDir(): string {
  return Deno.env.get("BERTH_NATS_KEYS") || `${DATA}/nats-keys`;
}

/** Where `up` keeps its local CA and the private NATS's certificate. */
const NATS_TLS_DIR = `${DATA}/nats-tls`;

/** True when the private NATS speaks TLS: BERTH_NATS_TLS=true. */
function natsTls(): boolean {
  const v = Deno.env.get("BERTH_NATS_TLS") ?? "";
  if (!["", "true", "false"].includes(v)) {
    throw new ConfigError("config: BERTH_NATS_TLS must be true or false");
  }
  return v === "true";
}

/**
 * How berth reaches the NATS in use: the given BERTH_NATS_KEYS and BERTH_NATS_CA with a
 * NATS_URL, else the private NATS's keys and (with TLS) its CA.
 */
export function natsAccess(): Omit<NatsAccess, "role"> {
  if (Deno.env.get("NATS_URL")) {
    return {
      keys: Deno.env.get("BERTH_NATS_KEYS") || undefined,
      ca: Deno.env.get("BERTH_NATS_CA") || undefined,
    };
  }
  return { keys: natsKeysDir(), ca: natsTls() ? tlsFilesIn(NATS_TLS_DIR).ca : undefined };
}

/** Servers of the private NATS: BERTH_NATS_CLUSTER, 1 (default) to 5. */
function natsClusterSize(): number {
  const n = Number(Deno.env.get("BERTH_NATS_CLUSTER") || 1);
  if (!Number.isInteger(n) || n < 1 || n > 5) {
    throw new ConfigError("config: BERTH_NATS_CLUSTER must be a whole number from 1 to 5");
  }
  return n;
}

/**
 * The private NATS: one nats-server with its store in .data/nats, or with BERTH_NATS_CLUSTER=N
 * the N nodes of a JetStream cluster, node k (from 0) with its store in .data/nats-cluster/n<k+1>
 * and its ports derived from the private ones, so they stay private too: BERTH_NATS_PORT + k for
 * clients, BERTH_NATS_PORT + 10 + k for routes, BERTH_NATS_MONITOR_PORT + k for monitoring.
 */
export function localNatsNodes(): NatsNodeSpec[] {
  const size = natsClusterSize();
  const tls = natsTls() ? tlsFilesIn(NATS_TLS_DIR) : undefined;
  if (size === 1) {
    return [{
      port: NATS_PORT,
      monitorPort: NATS_MONITOR_PORT,
      storeDir: `${DATA}/nats`,
      logFile: `${LOGS}/nats-server.log`,
      tls,
    }];
  }
  const ports = Array.from({ length: size }, (_, k) => ({
    client: NATS_PORT + k,
    route: NATS_PORT + ROUTE_PORT_OFFSET + k,
    monitor: NATS_MONITOR_PORT + k,
  }));
  return clusterNodes(ports, NATS_CLUSTER_DIR, { logDir: LOGS, tls });
}

/** NATS_URL of the private NATS: every node of it. */
export function localNatsUrl(): string {
  return natsUrlOf(localNatsNodes());
}

/** The file a private nats-server's pid is kept in (in its store folder) while berth runs it. */
function pidFileOf(storeDir: string): string {
  return `${storeDir}/nats-server.pid`;
}

/** Stops every private nats-server a berth that died left running, single or cluster nodes. */
export async function stopLocalNats(): Promise<void> {
  const nodes = await Array.fromAsync(Deno.readDir(NATS_CLUSTER_DIR)).catch(() => []);
  const pidFiles = [`${DATA}/nats`, ...nodes.map((n) => `${NATS_CLUSTER_DIR}/${n.name}`)]
    .map(pidFileOf);
  await Promise.all(pidFiles.map(async (file) => {
    try {
      const pid = Number(await Deno.readTextFile(file));
      if (alive(pid)) {
        Deno.kill(pid, "SIGTERM");
        for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
      }
      await Deno.remove(file);
    } catch { /* none */ }
  }));
}

/**
 * Uses DATABASE_URL / NATS_URL when given; otherwise starts the private Postgres cluster and
 * nats-server, or cluster of them (unless already running). With a supervisor, what this call
 * starts is kept running by it (started again when it dies). `stop()` stops only what this call
 * started; a start that fails stops what it had started.
 */
export async function startInfra(
  opts: { supervisor?: Supervisor; say?: (m: string) => void } = {},
): Promise<Infra> {
  const say = opts.say ?? console.error;
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    while (stops.length) await stops.pop()!();
  };
  try {
    let databaseUrl = Deno.env.get("DATABASE_URL");
    if (!databaseUrl) {
      const pg = await localPostgres.use(say);
      // The last user of the cluster (an `up`, a test run, a bench) stops it.
      stops.push(() => pg.release());
      if (pg.started) await opts.supervisor?.add(postgresChild(say));
      databaseUrl = localPostgres.url();
    }
    const natsUrl = Deno.env.get("NATS_URL") ??
      await startLocalNats(stops, say, opts.supervisor);
    return { databaseUrl, natsUrl, natsAccess: natsAccess(), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Starts the private nats-server or cluster nodes not yet running, with berth's users (their
 * keys made when missing) and, with BERTH_NATS_TLS, the local CA's certificate; returns their
 * NATS_URL.
 */
async function startLocalNats(
  stops: (() => Promise<void>)[],
  say: (m: string) => void,
  supervisor?: Supervisor,
): Promise<string> {
  const auth = { users: await ensureUsers(natsKeysDir()) };
  const nodes = localNatsNodes().map((n) => ({ ...n, auth }));
  if (nodes[0].tls) await ensureCertificates(NATS_TLS_DIR);
  const bin = await ensureTool("nats-server", say);
  await Deno.mkdir(LOGS, { recursive: true });
  // A cluster's nodes start together: JetStream waits for a quorum of them.
  await Promise.all(nodes.map(async (node, k) => {
    const pidFile = pidFileOf(node.storeDir);
    if (await Deno.readTextFile(pidFile).then((t) => alive(Number(t)), () => false)) {
      return await waitForPort(node.port, 5000);
    }
    const name = nodes.length === 1 ? "nats-server" : `nats-server-${k + 1}`;
    const child = natsChild(name, new NatsServer({ bin, ...node }), pidFile);
    if (supervisor) await supervisor.add(child);
    else stops.push((await child.start()).stop);
  }));
  const url = natsUrlOf(nodes);
  if (nodes.length > 1) await clusterFormed(url, nodes.length, { role: "cli", ...natsAccess() });
  return url;
}

/**
 * The private Postgres cluster as a supervised child. It runs as a daemon (pg_ctl), so its end
 * is noticed by watching the postmaster's pid; starting it again recovers from the crash.
 * Stopping it is left to the cluster's last user (see `LocalPostgres.use`).
 */
function postgresChild(say: (m: string) => void): ChildSpec {
  return {
    name: "postgres",
    async start() {
      await localPostgres.start(say);
      const pid = await localPostgres.pid();
      if (!pid) throw new Error("Postgres started but its postmaster.pid names no process");
      const watching = new AbortController();
      return {
        pid,
        exited: gone(pid, watching.signal).then(() => null),
        stop: () => Promise.resolve(watching.abort()),
      };
    },
  };
}

/** A private nats-server (or cluster node) as a supervised child; its pid file lets `down` find it. */
function natsChild(name: string, server: NatsServer, pidFile: string): ChildSpec {
  return {
    name,
    async start() {
      await server.start();
      await Deno.writeTextFile(pidFile, String(server.pid));
      return {
        pid: server.pid!,
        exited: server.exited,
        stop: async () => {
          await server.stop();
          await Deno.remove(pidFile).catch(() => {});
        },
      };
    },
  };
}

/**
 * Applies migrations and provisions the streams of the event catalogue, with the replicas
 * BERTH_NATS_REPLICAS asks for, or else as many as the cluster has servers (at most 3).
 */
export async function prepare(infra: Infra, say: (m: string) => void = console.error) {
  const { BERTH_NATS_REPLICAS } = loadConfig({
    ...Deno.env.toObject(),
    DATABASE_URL: infra.databaseUrl,
    NATS_URL: infra.natsUrl,
  });
  const sql = connectDb(infra.databaseUrl, { max: 1, appName: "berth-migrate" });
  try {
    const applied = await migrate(sql);
    if (applied.length) say(`berth: applied migrations ${applied.join(", ")}`);
  } finally {
    await sql.end();
  }
  const nc = await connectNats(infra.natsUrl, "berth-provision", {
    role: "cli",
    ...infra.natsAccess,
  });
  try {
    const replication: Replication = BERTH_NATS_REPLICAS
      ? { replicas: BERTH_NATS_REPLICAS, exact: true }
      : { replicas: clusterReplicas(nc.info), exact: false };
    const jsm = await jetstreamManager(nc);
    const { created, updated } = await provisionStreams(jsm, replication);
    if (created.length) say(`berth: created streams ${created.join(", ")}`);
    if (updated.length) say(`berth: updated streams ${updated.join(", ")}`);
    if (replication.replicas > 1) say(`berth: streams with ${replication.replicas} replicas`);
  } finally {
    await nc.close();
  }
}
