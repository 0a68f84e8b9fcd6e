import { localNatsUrl, localPostgres, prepare, startInfra, stopLocalNats } from "./platform.ts";
import { DENO, LOGS, ROOT, RUN } from "./infra/paths.ts";
import { alive, waitForPort } from "./infra/exec.ts";
import { ConfigError, loadConfig } from "../shared/config/config.ts";
import { MAIL_DIR, MAIL_PORT } from "./mailsink.ts";
import { MetricsHub } from "../shared/metrics/mod.ts";

const STATE = `${RUN}/up.json`;
/** A child that exits more often than this within a minute stops the platform. */
const MAX_RESTARTS_A_MINUTE = 5;

/**
 * V8's young generation grows to 3 × 16 MB semi-spaces under a high allocation rate; 4 MB ones
 * keep an api process under 200 MB RSS in `./berth bench booking-steady` (179 MB, against
 * 192 MB with 8 MB and 228 MB with V8's default) at the same throughput.
 */
const API_V8_FLAGS = "--v8-flags=--max-semi-space-size=4";
/** The same for a workers process (under 300 MB). */
const WORKERS_V8_FLAGS = "--v8-flags=--max-semi-space-size=4";

interface UpState {
  pid: number;
  children: number[];
  url: string;
}

/** A running platform: api and workers over the infrastructure, as `./berth up` starts it. */
export interface Platform {
  url: string;
  adminKey: string;
  databaseUrl: string;
  natsUrl: string;
  /** The child processes by name (`api` once per api process, `mail`, `workers`). */
  children: { name: string; pid: number }[];
  /** Stops the children and whatever infrastructure this start brought up. */
  stop(): Promise<void>;
}

/**
 * Starts infrastructure, migrations, streams, then the api (one process per core, sharing the
 * port) and workers; records the state so `./berth down` can stop it. Throws when berth is
 * already up or the configuration is invalid (a ConfigError).
 */
export async function startPlatform(opts: { logLevel?: string } = {}): Promise<Platform> {
  const given = Deno.env.toObject();
  const env: Record<string, string> = {
    ...given,
    BERTH_ADMIN_KEY: given.BERTH_ADMIN_KEY ?? "berth-dev-admin-key-change-me",
  };
  if (opts.logLevel) env.LOG_LEVEL = opts.logLevel;
  // Check the configuration before starting anything; the local URLs stand in until then.
  const config = loadConfig({
    ...env,
    DATABASE_URL: given.DATABASE_URL ?? localPostgres.url(),
    NATS_URL: given.NATS_URL ?? localNatsUrl(),
  });
  const apiCount = processes(env, "BERTH_API_PROCESSES");
  const workerCount = processes(env, "BERTH_WORKER_PROCESSES");
  const existing = await readState();
  if (existing && alive(existing.pid)) {
    throw new Error(`already up (pid ${existing.pid}) at ${existing.url}; ./berth down stops it`);
  }
  const infra = await startInfra();
  env.DATABASE_URL = infra.databaseUrl;
  env.NATS_URL = infra.natsUrl;
  // The metrics hub: every api and workers process serves its metrics on a socket of its own,
  // and each api process's /metrics relays the hub's sums (shared/metrics/hub.ts). A temporary
  // folder, as a unix socket's path is short.
  const metricsDir = await Deno.makeTempDir({ prefix: "berth-metrics-" });
  const hub = new MetricsHub(metricsDir);
  env.BERTH_METRICS_HUB = `${metricsDir}/hub.sock`;
  const hubListener = hub.serve(env.BERTH_METRICS_HUB);
  const children: { name: string; child: Deno.ChildProcess }[] = [];
  let stopping = false;
  const stopAll = async () => {
    if (stopping) return;
    stopping = true;
    console.error("berth: stopping");
    for (const { child } of [...children].reverse()) {
      try {
        child.kill("SIGTERM");
      } catch { /* gone */ }
    }
    // A child that does not exit on SIGTERM within 10 s gets SIGKILL.
    const kill = setTimeout(() => {
      for (const { child } of children) {
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
      }
    }, 10_000);
    await Promise.allSettled(children.map((c) => c.child.status));
    clearTimeout(kill);
    hubListener.close();
    await Deno.remove(metricsDir, { recursive: true }).catch(() => {});
    await infra.stop();
    await Deno.remove(STATE).catch(() => {});
  };
  try {
    await prepare(infra);
    await Deno.mkdir(LOGS, { recursive: true });
    await Deno.mkdir(RUN, { recursive: true });
    const spawn = async (name: string, args: string[]) => {
      const open = () => Deno.open(`${LOGS}/${name}.log`, { create: true, append: true });
      const [out, err] = [await open(), await open()];
      const socket = name === "api" || name === "workers" ? hub.socketFor(name) : null;
      const child = new Deno.Command(DENO, {
        args,
        env: socket ? { ...env, BERTH_METRICS_SOCKET: socket } : env,
        cwd: ROOT,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      // Both streams go to the same log file, line by line as they are written.
      appendLines(child.stdout, out).catch(() => {});
      appendLines(child.stderr, err).catch(() => {});
      const entry = { name, child };
      children.push(entry);
      child.status.then((s) => {
        if (socket) hub.exited(socket);
        if (stopping) return;
        // A supervisor: a child that dies is started again (its work is crash-safe: the outbox,
        // the inbox and redelivery), unless it keeps dying, then everything stops.
        const now = Date.now();
        const recent = (restarts.get(name) ?? []).filter((t) => now - t < 60_000);
        restarts.set(name, [...recent, now]);
        children.splice(children.indexOf(entry), 1);
        if (recent.length >= MAX_RESTARTS_A_MINUTE) {
          console.error(`berth: ${name} keeps exiting (${s.code}); see ${LOGS}/${name}.log`);
          stopAll().then(() => Deno.exit(1));
          return;
        }
        console.error(`berth: ${name} exited with ${s.code}; starting it again`);
        setTimeout(() => {
          if (!stopping) spawn(name, args).catch(() => stopAll().then(() => Deno.exit(1)));
        }, 1000);
      });
    };
    const restarts = new Map<string, number[]>();
    // One api process per core on the same port (SO_REUSEPORT, hence --unstable-net): a V8 heap
    // each, rather than one process holding every isolate as `deno serve --parallel` would.
    for (let i = 0; i < apiCount; i++) {
      await spawn("api", ["run", "-A", "--unstable-net", API_V8_FLAGS, "api/main.ts"]);
    }
    if (!given.BERTH_SMTP_URL) {
      // No mail server given: guest e-mail lands in .data/mail through a local sink.
      await spawn("mail", ["run", "-A", "cli/mailsink.ts"]);
      await waitForPort(MAIL_PORT, 30_000);
      env.BERTH_SMTP_URL = `smtp://127.0.0.1:${MAIL_PORT}`;
    }
    // One workers process per core: they share the consumers' partitions among those alive.
    for (let i = 0; i < workerCount; i++) {
      await spawn("workers", ["run", "-A", WORKERS_V8_FLAGS, "consumers/main.ts"]);
    }
    await waitForPort(config.BERTH_PORT, 60_000, config.BERTH_HOST);
    const url = `http://${config.BERTH_HOST}:${config.BERTH_PORT}`;
    const state: UpState = { pid: Deno.pid, children: children.map((c) => c.child.pid), url };
    await Deno.writeTextFile(STATE, JSON.stringify(state));
    return {
      url,
      adminKey: env.BERTH_ADMIN_KEY,
      databaseUrl: infra.databaseUrl,
      natsUrl: infra.natsUrl,
      children: children.map((c) => ({ name: c.name, pid: c.child.pid })),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** `./berth up`: infrastructure, migrations, streams, then api, relay and consumers. */
export async function up(opts: { logLevel?: string } = {}): Promise<number> {
  let platform: Platform;
  try {
    platform = await startPlatform(opts);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    return 2;
  }
  const { url } = platform;
  console.log(`berth is up
  api       ${url}  (docs ${url}/docs)
  metrics   ${url}/metrics  (every api and workers process summed; see docs/metrics.md)
  postgres  ${platform.databaseUrl}
  nats      ${platform.natsUrl}
  logs      ${LOGS}/{api,workers,mail,nats-server*}.log
  e-mail    ${Deno.env.get("BERTH_SMTP_URL") ?? `${MAIL_DIR}/*.eml (a local SMTP sink)`}
  stop      Ctrl-C or ./berth down`);
  const done = Promise.withResolvers<void>();
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(sig, () => platform.stop().then(() => done.resolve()));
  }
  await done.promise;
  return 0;
}

/** How many api or workers processes `up` starts: the variable, or one per core. */
function processes(env: Record<string, string>, name: string): number {
  const n = Number(env[name] || navigator.hardwareConcurrency || 1);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new ConfigError(`config: ${name} must be a whole number from 1 to 64`);
  }
  return n;
}

/**
 * Copies a child's output into an open log file, whole lines per write, as it arrives. (Not
 * `pipeTo(file.writable)`: that held the output back until the child exited.) Several
 * processes may append to the same file; whole-line writes keep their lines apart.
 */
async function appendLines(from: ReadableStream<Uint8Array>, to: Deno.FsFile): Promise<void> {
  let pending = new Uint8Array(0);
  const write = async (bytes: Uint8Array) => {
    for (let n = 0; n < bytes.length;) n += await to.write(bytes.subarray(n));
  };
  try {
    for await (const chunk of from) {
      const buf = pending.length ? concat(pending, chunk) : chunk;
      const end = buf.lastIndexOf(10) + 1; // after the last newline
      if (end > 0) await write(buf.subarray(0, end));
      pending = buf.slice(end);
    }
    if (pending.length) await write(pending);
  } finally {
    to.close();
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

async function readState(): Promise<UpState | null> {
  try {
    return JSON.parse(await Deno.readTextFile(STATE));
  } catch {
    return null;
  }
}

/** `./berth down`: asks a running `up` to stop, or cleans up after one that died. */
export async function down(): Promise<number> {
  const state = await readState();
  if (state && alive(state.pid)) {
    Deno.kill(state.pid, "SIGTERM");
    const deadline = Date.now() + 30_000;
    while (alive(state.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (!alive(state.pid)) {
      console.error("berth: down");
      return 0;
    }
  }
  // No live `up`: stop whatever it left behind.
  for (const pid of state?.children ?? []) {
    if (alive(pid)) Deno.kill(pid, "SIGKILL");
  }
  await stopLeftovers();
  await Deno.remove(STATE).catch(() => {});
  console.error("berth: down");
  return 0;
}

/** Stops the private nats-server(s) and Postgres cluster, if running. */
async function stopLeftovers(): Promise<void> {
  await stopLocalNats();
  if (await localPostgres.running().catch(() => false)) await localPostgres.stop();
}
