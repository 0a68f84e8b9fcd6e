import { localPostgres, prepare, startInfra } from "./platform.ts";
import { DATA, DENO, LOGS, NATS_PORT, ROOT, RUN } from "./infra/paths.ts";
import { alive, waitForPort } from "./infra/exec.ts";
import { ConfigError, loadConfig } from "../shared/config/config.ts";
import { MAIL_DIR, MAIL_PORT } from "./mailsink.ts";

const STATE = `${RUN}/up.json`;

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
  /** The child processes by name (`api`, `workers`). */
  children: { name: string; pid: number }[];
  /** Stops the children and whatever infrastructure this start brought up. */
  stop(): Promise<void>;
}

/**
 * Starts infrastructure, migrations, streams, then api (`deno serve --parallel`, one instance
 * per core) and workers; records the state so `./berth down` can stop it. Throws when berth is
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
    NATS_URL: given.NATS_URL ?? `nats://127.0.0.1:${NATS_PORT}`,
  });
  const existing = await readState();
  if (existing && alive(existing.pid)) {
    throw new Error(`already up (pid ${existing.pid}) at ${existing.url}; ./berth down stops it`);
  }
  const infra = await startInfra();
  env.DATABASE_URL = infra.databaseUrl;
  env.NATS_URL = infra.natsUrl;
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
    // `deno serve --parallel` does not always exit on SIGTERM: SIGKILL after 10 s.
    const kill = setTimeout(() => {
      for (const { child } of children) {
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
      }
    }, 10_000);
    await Promise.allSettled(children.map((c) => c.child.status));
    clearTimeout(kill);
    await infra.stop();
    await Deno.remove(STATE).catch(() => {});
  };
  try {
    await prepare(infra);
    await Deno.mkdir(LOGS, { recursive: true });
    await Deno.mkdir(RUN, { recursive: true });
    const spawn = async (name: string, args: string[]) => {
      // One handle per stream: a WritableStream takes only one pipe at a time.
      const open = () => Deno.open(`${LOGS}/${name}.log`, { create: true, append: true });
      const [out, err] = [await open(), await open()];
      const child = new Deno.Command(DENO, {
        args,
        env,
        cwd: ROOT,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      // Both streams go to the same log file.
      child.stdout.pipeTo(out.writable).catch(() => {});
      child.stderr.pipeTo(err.writable).catch(() => {});
      children.push({ name, child });
      child.status.then((s) => {
        if (!stopping) {
          console.error(`berth: ${name} exited with ${s.code}; see ${LOGS}/${name}.log`);
          stopAll().then(() => Deno.exit(1));
        }
      });
    };
    await spawn("api", [
      "serve",
      "-A",
      "--parallel",
      "--host",
      config.BERTH_HOST,
      "--port",
      String(config.BERTH_PORT),
      "api/main.ts",
    ]);
    if (!given.BERTH_SMTP_URL) {
      // No mail server given: guest e-mail lands in .data/mail through a local sink.
      await spawn("mail", ["run", "-A", "cli/mailsink.ts"]);
      await waitForPort(MAIL_PORT, 30_000);
      env.BERTH_SMTP_URL = `smtp://127.0.0.1:${MAIL_PORT}`;
    }
    await spawn("workers", ["run", "-A", "consumers/main.ts"]);
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
  api       ${url}  (docs ${url}/docs, metrics ${url}/metrics)
  postgres  ${platform.databaseUrl}
  nats      ${platform.natsUrl}
  logs      ${LOGS}/{api,workers,mail,nats-server}.log
  e-mail    ${Deno.env.get("BERTH_SMTP_URL") ?? `${MAIL_DIR}/*.eml (a local SMTP sink)`}
  stop      Ctrl-C or ./berth down`);
  const done = Promise.withResolvers<void>();
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(sig, () => platform.stop().then(() => done.resolve()));
  }
  await done.promise;
  return 0;
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

/** Stops the private nats-server and Postgres cluster, if running. */
async function stopLeftovers(): Promise<void> {
  try {
    const pid = Number(await Deno.readTextFile(`${DATA}/nats/nats-server.pid`));
    if (alive(pid)) {
      Deno.kill(pid, "SIGTERM");
      for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    }
    await Deno.remove(`${DATA}/nats/nats-server.pid`);
  } catch { /* none */ }
  if (await localPostgres.running().catch(() => false)) await localPostgres.stop();
}
