import type { Infra } from "./platform.ts";
import { localNatsUrl, localPostgres, prepare, startInfra, stopLocalNats } from "./platform.ts";
import { Supervisor } from "./supervisor.ts";
import { alive, LOGS, RUN, waitForPort } from "./infra/mod.ts";
import { denoChild } from "./children.ts";
import { ConfigError, loadConfig } from "../shared/config/mod.ts";
import { MAIL_DIR, MAIL_PORT } from "./mailsink.ts";
import { localEventKeys } from "./keys.ts";
import { MetricsHub } from "../shared/metrics/mod.ts";

const STATE = `${RUN}/up.json`;

/**
 * V8's young generation grows to 3 × 16 MB semi-spaces under a high allocation rate; 4 MB ones
 * keep an api process under 200 MB RSS in `./berth bench booking-steady` (179 MB, against
 * 192 MB with 8 MB and 228 MB with V8's default) at the same throughput.
 */
const API_V8_FLAGS = "--v8-flags=--max-semi-space-size=4";
/** The same for a workers process (under 300 MB). */
const WORKERS_V8_FLAGS = "--v8-flags=--max-semi-space-size=4";

/** `.data/run/up.json`: the running `up`, every process it supervises, and the api's URL. */
export interface UpState {
  pid: number;
  children: { name: string; pid: number }[];
  url: string;
}

/** A running platform: api and workers over the infrastructure, as `./berth up` starts it. */
export interface Platform {
  url: string;
  adminKey: string;
  databaseUrl: string;
  natsUrl: string;
  /** The folder of berth's NATS keys (BERTH_NATS_KEYS), when it has them. */
  natsKeys?: string;
  /**
   * The processes it supervises by name, as they are now (`api` once per api process, `mail`,
   * `workers`; `postgres` and `nats-server` when it started them).
   */
  readonly children: { name: string; pid: number }[];
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
    // Events are signed with the key in .data/keys/ (made now if absent) unless one is given.
    ...await localEventKeys(given),
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
  // A state file naming this very process was left by an `up` that was killed: in a container
  // that starts again, the new `up` gets the pid the old one had.
  if (existing && existing.pid !== Deno.pid && alive(existing.pid)) {
    throw new Error(`already up (pid ${existing.pid}) at ${existing.url}; ./berth down stops it`);
  }
  let infra: Infra | null = null;
  // The metrics hub: every api and workers process serves its metrics on a socket of its own,
  // and each api process's /metrics relays the hub's sums (shared/metrics/hub.ts). A temporary
  // folder, as a unix socket's path is short.
  const metricsDir = await Deno.makeTempDir({ prefix: "berth-metrics-" });
  const hub = new MetricsHub(metricsDir);
  env.BERTH_METRICS_HUB = `${metricsDir}/hub.sock`;
  const hubListener = hub.serve(env.BERTH_METRICS_HUB);
  let stopping = false;
  const stopAll = async () => {
    if (stopping) return;
    stopping = true;
    console.error("berth: stopping");
    // The api and workers first, while Postgres and NATS still take their last writes.
    await supervisor.stop((name) => !isInfra(name));
    await supervisor.stop();
    await infra?.stop();
    hubListener.close();
    await Deno.remove(metricsDir, { recursive: true }).catch(() => {});
    await Deno.remove(STATE).catch(() => {});
  };
  let url = "";
  // Written once the platform is up, and again whenever a process was started again.
  const writeState = async () => {
    if (stopping || !url) return;
    const state: UpState = { pid: Deno.pid, children: supervisor.children, url };
    await Deno.writeTextFile(STATE, JSON.stringify(state)).catch(() => {});
  };
  const supervisor = new Supervisor({
    onGiveUp: (name) => {
      console.error(`berth: see ${LOGS}/${name}.log`);
      stopAll().then(() => Deno.exit(1));
    },
    onStart: writeState,
  });
  try {
    infra = await startInfra({ supervisor });
    env.DATABASE_URL = infra.databaseUrl;
    env.NATS_URL = infra.natsUrl;
    // Each process signs in to NATS as its role with its key (README, "Security").
    const { keys, ca } = infra.natsAccess;
    if (keys) env.BERTH_NATS_KEYS = keys;
    if (ca) env.BERTH_NATS_CA = ca;
    await prepare(infra);
    await Deno.mkdir(LOGS, { recursive: true });
    await Deno.mkdir(RUN, { recursive: true });
    const deno = (name: string, args: string[], ready?: () => Promise<void>) =>
      supervisor.add(denoChild(name, args, env, hub, ready));
    // One api process per core on the same port (SO_REUSEPORT, hence --unstable-net): a V8 heap
    // each, rather than one process holding every isolate as `deno serve --parallel` would.
    for (let i = 0; i < apiCount; i++) {
      await deno("api", ["run", "-A", "--unstable-net", API_V8_FLAGS, "api/main.ts"]);
    }
    if (!given.BERTH_SMTP_URL) {
      // No mail server given: guest e-mail lands in .data/mail through a local sink.
      await deno("mail", ["run", "-A", "cli/mailsink.ts"], () => waitForPort(MAIL_PORT, 30_000));
      env.BERTH_SMTP_URL = `smtp://127.0.0.1:${MAIL_PORT}`;
    }
    // One workers process per core: they share the consumers' partitions among those alive.
    for (let i = 0; i < workerCount; i++) {
      await deno("workers", ["run", "-A", WORKERS_V8_FLAGS, "consumers/main.ts"]);
    }
    await waitForPort(config.BERTH_PORT, 60_000, config.BERTH_HOST);
    url = `http://${config.BERTH_HOST}:${config.BERTH_PORT}`;
    await writeState();
    return {
      url,
      adminKey: env.BERTH_ADMIN_KEY,
      databaseUrl: infra.databaseUrl,
      natsUrl: infra.natsUrl,
      natsKeys: infra.natsAccess.keys,
      get children() {
        return supervisor.children;
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** The processes of the infrastructure (Postgres, the nats-server or cluster nodes). */
const isInfra = (name: string) => name === "postgres" || name.startsWith("nats-server");

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
  ops       ${url}/ops  (live bookings, latency, lag, occupancy; the admin key opens it)
  metrics   ${url}/metrics  (every api and workers process summed; see docs/metrics.md)
  postgres  ${platform.databaseUrl}
  nats      ${platform.natsUrl}  (keys ${platform.natsKeys ?? "none"})
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
  // No live `up`: stop whatever it left behind (the infrastructure gently, below).
  for (const { name, pid } of state?.children ?? []) {
    if (!isInfra(name) && alive(pid)) Deno.kill(pid, "SIGKILL");
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
