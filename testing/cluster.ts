/**
 * A Postgres cluster of its own for tests that crash, stop or freeze the server: the shared
 * test cluster of `./berth test` must stay up for every other test file.
 */
import { alive, freePort, LocalPostgres } from "../cli/infra/mod.ts";
import { sleep } from "../shared/time/mod.ts";
import { connectDb, migrate } from "../shared/db/mod.ts";

/** A running cluster with a migrated `berth` database, and the faults a test can cause. */
export interface TestCluster {
  /** The `berth` database. */
  url: string;
  /** The postmaster's pid, null while it is down. */
  pid(): Promise<number | null>;
  /** SIGKILL to the postmaster, as a crash; its backends exit as soon as they notice. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT to the postmaster: connections are accepted by the kernel, never answered. */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  /** A fast shutdown: new connections are refused. */
  stop(): Promise<void>;
  /** Starts it again (after a crash, once the old backends have gone), with crash recovery. */
  start(): Promise<void>;
  /** Stops it and removes its files. */
  destroy(): Promise<void>;
}

/**
 * Creates, starts and migrates a throwaway cluster on a free port in /var/tmp; `settings` adds
 * postgresql.conf lines (TLS, say).
 */
export async function testCluster(
  opts: { settings?: Record<string, string> } = {},
): Promise<TestCluster> {
  const home = `/var/tmp/berth-test-pg-${crypto.randomUUID().slice(0, 8)}`;
  const pg = new LocalPostgres({
    port: freePort(),
    home,
    settings: {
      max_connections: "100",
      shared_buffers: "32MB",
      max_wal_size: "256MB",
      ...opts.settings,
    },
  });
  const start = () => pg.start(() => {}).then(() => {});
  await start();
  const sql = connectDb(pg.url(), { max: 1 });
  await migrate(sql);
  await sql.end();
  const signal = async (sig: Deno.Signal) => {
    const pid = await pg.pid();
    if (pid) Deno.kill(pid, sig);
    return pid;
  };
  return {
    url: pg.url(),
    pid: () => pg.pid(),
    async kill() {
      const pid = await signal("SIGKILL");
      while (pid && alive(pid)) await sleep(10);
    },
    freeze: async () => void await signal("SIGSTOP"),
    thaw: async () => void await signal("SIGCONT"),
    stop: () => pg.stop(),
    start,
    async destroy() {
      await signal("SIGCONT");
      await pg.stop("immediate").catch(() => {});
      await Deno.remove(home, { recursive: true }).catch(() => {});
      await Deno.remove(`${home}.lock`).catch(() => {});
    },
  };
}
