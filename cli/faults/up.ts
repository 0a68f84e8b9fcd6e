/**
 * A platform started by `./berth up` in a process of its own, with its own data folder and free
 * ports, so it never meets the developer's platform or another run's: for fault tests and a
 * fault suite that kill its processes and look at what comes back.
 */
import { alive, freePort, ROOT } from "../infra/mod.ts";
import type { UpState } from "../up.ts";
import type { NatsAccess } from "../../shared/nats/mod.ts";

/** What a test or a fault suite drives. */
export interface UpProcess {
  /** The api, e.g. http://127.0.0.1:40123. */
  url: string;
  adminKey: string;
  /** Its Postgres and NATS. */
  databaseUrl: string;
  natsUrl: string;
  /** Its NATS keys and (with BERTH_NATS_TLS=true) CA, to connect as a berth role. */
  natsAccess: Omit<NatsAccess, "role">;
  /** Its BERTH_DATA folder (logs in `logs/`). */
  data: string;
  /** The pids of the processes `up` supervises by that name, as they are now. */
  pids(name: string): Promise<number[]>;
  /** Sends `signal` (SIGKILL by default) to the first process of that name; returns its pid. */
  kill(name: string, signal?: Deno.Signal): Promise<number>;
  /** Waits until a process of that name runs that is not `pid` (started again); its pid. */
  restarted(name: string, pid: number, timeoutMs?: number): Promise<number>;
  /** The last lines `up` wrote to its stderr (what it says about restarts). */
  output(): string;
  /** Stops `up` (as Ctrl-C does), waits for it, and removes its data folder. */
  stop(): Promise<void>;
}

const ADMIN_KEY = "faults-admin-key-0123456789";

/**
 * Runs `./berth up` (cli/main.ts up) with BERTH_DATA in a new folder and the api, Postgres and
 * NATS on free ports, `api` api (1) and `workers` workers processes (1); resolves once it says
 * it is up. With `mail`, guest e-mail goes to its mail sink (`<data>/mail`); without, to a port
 * nobody listens on (failed and retried, harmlessly). `env` adds variables (never DATABASE_URL
 * or NATS_URL: it starts its own infrastructure).
 */
export async function startUp(
  opts: {
    api?: number;
    workers?: number;
    mail?: boolean;
    env?: Record<string, string>;
    timeoutMs?: number;
  } = {},
): Promise<UpProcess> {
  const data = await Deno.makeTempDir({ prefix: "berth-up-" });
  await Deno.chmod(data, 0o755); // the postgres user keeps the cluster in it
  const [port, pgPort, natsPort] = [freePort(), freePort(), freePort()];
  const env = { ...Deno.env.toObject() };
  for (const name of ["DATABASE_URL", "NATS_URL", "BERTH_URL", "BERTH_NATS_CLUSTER"]) {
    delete env[name];
  }
  const mail: Record<string, string> = opts.mail
    ? { BERTH_MAIL_SINK_PORT: String(freePort()) }
    : { BERTH_SMTP_URL: "smtp://127.0.0.1:9" };
  if (opts.mail) delete env.BERTH_SMTP_URL;
  const up = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}/cli/main.ts`, "up"],
    cwd: ROOT,
    env: {
      ...env,
      BERTH_DATA: data,
      BERTH_PORT: String(port),
      BERTH_PG_PORT: String(pgPort),
      BERTH_NATS_PORT: String(natsPort),
      BERTH_NATS_MONITOR_PORT: String(freePort()),
      BERTH_ADMIN_KEY: ADMIN_KEY,
      BERTH_API_PROCESSES: String(opts.api ?? 1),
      BERTH_WORKER_PROCESSES: String(opts.workers ?? 1),
      ...mail,
      LOG_LEVEL: "warn",
      ...opts.env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let said = "";
  const isUp = Promise.withResolvers<void>();
  const read = (stream: ReadableStream<Uint8Array>) =>
    stream.pipeThrough(new TextDecoderStream()).pipeTo(
      new WritableStream({
        write(text) {
          said = (said + text).slice(-8000);
          if (said.includes("berth is up")) isUp.resolve();
        },
      }),
    ).catch(() => {});
  const reading = Promise.all([read(up.stdout), read(up.stderr)]);
  up.status.then((s) => isUp.reject(new Error(`up exited with ${s.code}:\n${said}`)));
  const timeout = setTimeout(
    () => isUp.reject(new Error(`up did not come up:\n${said}`)),
    opts.timeoutMs ?? 180_000,
  );
  const stop = async () => {
    clearTimeout(timeout);
    try {
      up.kill("SIGTERM");
    } catch { /* gone */ }
    await up.status;
    await reading;
    await Deno.remove(data, { recursive: true }).catch(() => {});
  };
  try {
    await isUp.promise;
  } catch (err) {
    await stop();
    throw err;
  } finally {
    clearTimeout(timeout);
  }
  // Where `up` keeps its NATS keys and CA (cli/platform.ts): its own, unless given.
  const childEnv = { ...env, ...opts.env };
  const tls = childEnv.BERTH_NATS_TLS === "true";
  const pids = async (name: string) => {
    const state: UpState = JSON.parse(await Deno.readTextFile(`${data}/run/up.json`));
    return state.children.filter((c) => c.name === name).map((c) => c.pid);
  };
  return {
    url: `http://127.0.0.1:${port}`,
    adminKey: ADMIN_KEY,
    databaseUrl: `postgres://berth@127.0.0.1:${pgPort}/berth`,
    natsUrl: `${tls ? "tls" : "nats"}://127.0.0.1:${natsPort}`,
    natsAccess: {
      keys: childEnv.BERTH_NATS_KEYS || `${data}/nats-keys`,
      ca: tls ? `${data}/nats-tls/ca.pem` : undefined,
    },
    data,
    pids,
    async kill(name, signal = "SIGKILL") {
      const [pid] = await pids(name);
      if (!pid) throw new Error(`up runs no ${name}`);
      Deno.kill(pid, signal);
      return pid;
    },
    async restarted(name, pid, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const now = (await pids(name).catch(() => [])).find((p) => p !== pid && alive(p));
        if (now) return now;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${name} was not started again within ${timeoutMs} ms:\n${said}`);
    },
    output: () => said,
    stop,
  };
}
