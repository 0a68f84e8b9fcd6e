import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsAccess } from "../../shared/nats/mod.ts";
import { connectNats } from "../../shared/nats/mod.ts";
import { terminate, waitForPort } from "./exec.ts";
import type { NatsUser } from "./natsauth.ts";
import { authorizationConfig } from "./natsauth.ts";

/** The certificate a server shows its clients and its cluster's other nodes, and their CA. */
export interface TlsFiles {
  cert: string;
  key: string;
  ca: string;
}

export interface NatsServerOptions {
  bin: string;
  /** Its name (default `berth_<port>`); JetStream knows a cluster's peers by name: keep it. */
  name?: string;
  /** The address it listens on for clients and monitoring (default `127.0.0.1`). */
  host?: string;
  port: number;
  monitorPort?: number;
  storeDir: string;
  logFile?: string;
  /** `always` fsyncs every write before the ack; otherwise a Go duration such as `1s`. */
  syncInterval?: string;
  /** Makes the server a node of a JetStream cluster. */
  cluster?: {
    name: string;
    /** This node's route port. */
    port: number;
    /** Every node's route port, this node's included (a server ignores a route to itself). */
    routes: number[];
  };
  /** berth's users and their rights; without, anyone may connect and do anything. */
  auth?: { users: NatsUser[]; harness?: { user: string; password: string } };
  /** TLS for clients and cluster routes; clients then use `tls://` URLs. */
  tls?: TlsFiles;
}

/** Where one node listens and keeps its files: the options of a server but the binary. */
export type NatsNodeSpec = Omit<NatsServerOptions, "bin">;

/** The name of the clusters berth starts. */
export const CLUSTER_NAME = "berth";

/**
 * The nodes of a JetStream cluster, one per entry of `ports`: node k is `n<k+1>`, keeps its store
 * in `<dir>/n<k+1>` (and its log in `<logDir>/nats-server-n<k+1>.log`), and has a route to every
 * other node.
 */
export function clusterNodes(
  ports: { client: number; route: number; monitor?: number }[],
  dir: string,
  opts: Pick<NatsNodeSpec, "syncInterval" | "auth" | "tls"> & { logDir?: string } = {},
): NatsNodeSpec[] {
  const routes = ports.map((p) => p.route);
  return ports.map((p, k) => ({
    name: `n${k + 1}`,
    port: p.client,
    monitorPort: p.monitor,
    storeDir: `${dir}/n${k + 1}`,
    logFile: opts.logDir ? `${opts.logDir}/nats-server-n${k + 1}.log` : undefined,
    syncInterval: opts.syncInterval,
    auth: opts.auth,
    tls: opts.tls,
    cluster: { name: CLUSTER_NAME, port: p.route, routes },
  }));
}

/** The NATS_URL of a set of local servers: every one, comma-separated (`tls://` with TLS). */
export function natsUrlOf(nodes: { port: number; tls?: TlsFiles }[]): string {
  return nodes.map((n) => `${n.tls ? "tls" : "nats"}://127.0.0.1:${n.port}`).join(",");
}

/**
 * Resolves when a cluster of `size` nodes at `url` has formed: the server a client reaches
 * knows all `size` (its INFO lists their client URLs) and JetStream answers (it has a meta
 * leader). Provisioning reads the cluster size from that INFO, so it must not run before.
 */
export async function clusterFormed(
  url: string,
  size: number,
  access: NatsAccess = {},
  timeoutMs = 60_000,
) {
  const nc = await connectNats(url, "berth-cluster-check", access);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const known = new Set(nc.info?.connect_urls ?? []).size;
      const ready = known >= size &&
        await jetstreamManager(nc).then(() => true, () => false);
      if (ready) return;
      if (Date.now() > deadline) {
        throw new Error(`the NATS cluster at ${url} did not form in ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await nc.close();
  }
}

/**
 * The nats-server config file of a node: JetStream that fsyncs every write before the ack (unless
 * `syncInterval` says otherwise), 1 MB payloads, berth's users with their rights and TLS when
 * given. `compose.yaml`'s NATS runs `ops/nats/nats.conf`, which `cli/compose_test.ts` checks is
 * this function's output (without users or TLS), so the two cannot drift.
 */
export function natsConfig(o: NatsNodeSpec): string {
  const host = o.host ?? "127.0.0.1";
  const tls = (indent: string) =>
    o.tls
      ? [
        `${indent}tls {`,
        `${indent}  cert_file: ${JSON.stringify(o.tls.cert)}`,
        `${indent}  key_file: ${JSON.stringify(o.tls.key)}`,
        `${indent}  ca_file: ${JSON.stringify(o.tls.ca)}`,
        `${indent}  timeout: 5`,
        `${indent}}`,
      ]
      : [];
  return [
    `server_name: ${o.name ?? `berth_${o.port}`}`,
    `listen: ${host}:${o.port}`,
    o.monitorPort ? `http: ${host}:${o.monitorPort}` : "",
    "max_payload: 1MB",
    "jetstream {",
    `  store_dir: ${JSON.stringify(o.storeDir)}`,
    `  sync_interval: ${o.syncInterval ?? "always"}`,
    "}",
    ...(o.cluster
      ? [
        "cluster {",
        `  name: ${o.cluster.name}`,
        `  listen: 127.0.0.1:${o.cluster.port}`,
        `  routes: [${o.cluster.routes.map((r) => `nats://127.0.0.1:${r}`).join(", ")}]`,
        ...tls("  "),
        "}",
      ]
      : []),
    ...tls(""),
    ...(o.auth ? authorizationConfig(o.auth.users, o.auth.harness) : []),
  ].filter((line) => line !== "").join("\n");
}

/** A nats-server child process with JetStream, started and stopped by berth. */
export class NatsServer {
  #proc: Deno.ChildProcess | null = null;
  constructor(readonly opts: NatsServerOptions) {}

  get url(): string {
    return natsUrlOf([this.opts]);
  }

  get pid(): number | undefined {
    return this.#proc?.pid;
  }

  /** Settles with its exit code when the server started last exits (by itself or by stop()). */
  get exited(): Promise<number> {
    return this.#proc?.status.then((s) => s.code) ?? Promise.resolve(0);
  }

  /** Writes the config file and starts the server; resolves when it accepts connections. */
  async start(): Promise<void> {
    const o = this.opts;
    await Deno.mkdir(o.storeDir, { recursive: true });
    const confPath = `${o.storeDir}/nats.conf`;
    await Deno.writeTextFile(confPath, natsConfig(o));
    const args = ["-c", confPath];
    if (o.logFile) args.push("-l", o.logFile);
    // Its ports sit in Linux's ephemeral range, so a client connection may hold one for a moment
    // (the server then exits at once: "address already in use"): start it again a few times.
    for (let attempt = 1;; attempt++) {
      const proc = new Deno.Command(o.bin, {
        args,
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn();
      this.#proc = proc;
      const exited = proc.status.then((s) => s);
      const up = waitForPort(o.port, 30_000).then(() => null);
      const early = await Promise.race([up, exited]);
      if (early === null) return;
      this.#proc = null;
      if (attempt === 5) {
        throw new Error(`nats-server exited with ${early.code} at start (see its log)`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  /** Stops the server (SIGTERM, then SIGKILL after 5 s). */
  async stop(): Promise<void> {
    const p = this.#proc;
    if (!p) return;
    this.#proc = null;
    await terminate(p, 5000);
  }
}
