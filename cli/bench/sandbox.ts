import { connectDb } from "../../shared/db/mod.ts";
import { localPostgres } from "../platform.ts";
import { ensureTool, freePort, LOGS, NatsServer } from "../infra/mod.ts";
import { sameServer } from "./pgbench.ts";

/** The database a bench run gets to itself, on the same Postgres server as berth's. */
export const RUN_DB = "berth_bench_run";

/** Fresh state for one bench run: its own database and its own JetStream store. */
export interface Sandbox {
  databaseUrl: string;
  natsUrl: string;
  /** The throwaway nats-server's pid. */
  natsPid: number | undefined;
  /** True when the database is on berth's private cluster (not a DATABASE_URL given). */
  privateCluster: boolean;
  stop(): Promise<void>;
}

async function recreate(serverUrl: string, drop: boolean) {
  const admin = connectDb(sameServer(serverUrl, "postgres"), { max: 1, appName: "berth-bench" });
  try {
    await admin`drop database if exists ${admin(RUN_DB)} with (force)`;
    if (!drop) await admin`create database ${admin(RUN_DB)}`;
  } finally {
    await admin.end();
  }
}

/**
 * A new empty database on berth's Postgres (the private cluster, or DATABASE_URL's server) and
 * a throwaway nats-server, so the figures never depend on what earlier runs or development
 * left behind (old backlogs, big tables), and berth's own data is not touched.
 */
export async function startSandbox(say: (m: string) => void): Promise<Sandbox> {
  let server = Deno.env.get("DATABASE_URL");
  const privateCluster = !server;
  // Shared with `up` and `test` runs: the last user out stops the cluster.
  const pg = privateCluster ? await localPostgres.use(say) : null;
  server ??= localPostgres.url();
  try {
    await recreate(server, false);
  } catch (err) {
    await pg?.release();
    throw err;
  }
  const store = await Deno.makeTempDir({ prefix: "berth-bench-nats-" });
  await Deno.mkdir(LOGS, { recursive: true });
  const nats = new NatsServer({
    bin: await ensureTool("nats-server", say),
    port: freePort(),
    storeDir: store,
    logFile: `${LOGS}/nats-bench.log`,
  });
  await nats.start();
  return {
    databaseUrl: sameServer(server, RUN_DB),
    natsUrl: nats.url,
    natsPid: nats.pid,
    privateCluster,
    async stop() {
      await nats.stop();
      await Deno.remove(store, { recursive: true }).catch(() => {});
      await recreate(server, true).catch(() => {});
      await pg?.release();
    },
  };
}
