import { jetstreamManager } from "@nats-io/jetstream";
import { connectDb } from "../shared/db/db.ts";
import { migrate } from "../shared/db/migrate.ts";
import { connectNats } from "../shared/nats/nats.ts";
import { provisionStreams } from "../shared/events/mod.ts";
import { LocalPostgres } from "./infra/postgres.ts";
import { NatsServer } from "./infra/natsd.ts";
import { ensureTool } from "./infra/tools.ts";
import { DATA, LOGS, NATS_MONITOR_PORT, NATS_PORT } from "./infra/paths.ts";
import { alive, gone, waitForPort } from "./infra/exec.ts";
import type { ChildSpec, Supervisor } from "./supervisor.ts";

/** The infrastructure berth talks to, and what it started itself (to stop it again). */
export interface Infra {
  databaseUrl: string;
  natsUrl: string;
  stop(): Promise<void>;
}

export const localPostgres = new LocalPostgres();
const NATS_PID = `${DATA}/nats/nats-server.pid`;

/**
 * Uses DATABASE_URL / NATS_URL when given; otherwise starts the private Postgres cluster and
 * nats-server (unless already running). With a supervisor, what this call starts is kept
 * running by it (started again when it dies). `stop()` stops only what this call started.
 */
export async function startInfra(
  opts: { supervisor?: Supervisor; say?: (m: string) => void } = {},
): Promise<Infra> {
  const say = opts.say ?? console.error;
  const stops: (() => Promise<void>)[] = [];
  let databaseUrl = Deno.env.get("DATABASE_URL");
  if (!databaseUrl) {
    const pg = await localPostgres.use(say);
    // The last user of the cluster (an `up`, a test run, a bench) stops it.
    stops.push(() => pg.release());
    if (pg.started) await opts.supervisor?.add(postgresChild(say));
    databaseUrl = localPostgres.url();
  }
  let natsUrl = Deno.env.get("NATS_URL");
  if (!natsUrl) {
    const running = await Deno.readTextFile(NATS_PID).then((t) => alive(Number(t)), () => false);
    const server = new NatsServer({
      bin: await ensureTool("nats-server", say),
      port: NATS_PORT,
      monitorPort: NATS_MONITOR_PORT,
      storeDir: `${DATA}/nats`,
      logFile: `${LOGS}/nats-server.log`,
    });
    if (!running) {
      await Deno.mkdir(LOGS, { recursive: true });
      const child = natsChild(server);
      if (opts.supervisor) await opts.supervisor.add(child);
      else stops.push((await child.start()).stop);
    } else {
      await waitForPort(NATS_PORT, 5000);
    }
    natsUrl = server.url;
  }
  return {
    databaseUrl,
    natsUrl,
    async stop() {
      for (const s of stops.reverse()) await s();
    },
  };
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

/** The private nats-server as a supervised child; its pid file lets `down` find it. */
function natsChild(server: NatsServer): ChildSpec {
  return {
    name: "nats-server",
    async start() {
      await server.start();
      await Deno.writeTextFile(NATS_PID, String(server.pid));
      return {
        pid: server.pid!,
        exited: server.exited,
        stop: async () => {
          await server.stop();
          await Deno.remove(NATS_PID).catch(() => {});
        },
      };
    },
  };
}

/** Applies migrations and provisions the streams of the event catalogue. */
export async function prepare(infra: Infra, say: (m: string) => void = console.error) {
  const sql = connectDb(infra.databaseUrl, { max: 1, appName: "berth-migrate" });
  try {
    const applied = await migrate(sql);
    if (applied.length) say(`berth: applied migrations ${applied.join(", ")}`);
  } finally {
    await sql.end();
  }
  const nc = await connectNats(infra.natsUrl, "berth-provision");
  try {
    const { created, updated } = await provisionStreams(await jetstreamManager(nc));
    if (created.length) say(`berth: created streams ${created.join(", ")}`);
    if (updated.length) say(`berth: updated streams ${updated.join(", ")}`);
  } finally {
    await nc.close();
  }
}
