import { DATA, PG_PORT } from "./paths.ts";
import { alive, mustRun, onPath, run } from "./exec.ts";

const isRoot = Deno.uid() === 0;

/** runuser lives in /usr/sbin, which a root PATH may lack. */
const RUNUSER = ["/usr/sbin/runuser", "/sbin/runuser"].find((p) => {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false;
  }
}) ?? "runuser";

/** Postgres refuses to run as root; as root, berth runs its cluster as the `postgres` user. */
function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return isRoot ? [RUNUSER, ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
}

async function findBinDir(): Promise<string | null> {
  const versions: number[] = [];
  try {
    for await (const e of Deno.readDir("/usr/lib/postgresql")) {
      if (/^\d+$/.test(e.name)) versions.push(Number(e.name));
    }
  } catch { /* not a Debian layout */ }
  for (const v of versions.sort((a, b) => b - a)) {
    const dir = `/usr/lib/postgresql/${v}/bin`;
    try {
      await Deno.stat(`${dir}/initdb`);
      return dir;
    } catch { /* server package not installed for this version */ }
  }
  const initdb = await onPath("initdb");
  return initdb ? initdb.replace(/\/initdb$/, "") : null;
}

/** Finds Debian's Postgres server binaries, installing the `postgresql` package as root if missing. */
export async function postgresBinDir(say: (m: string) => void = console.error): Promise<string> {
  let dir = await findBinDir();
  if (dir) return dir;
  if (!isRoot) {
    throw new Error(
      "Postgres server binaries (initdb, pg_ctl) are missing: install Debian's `postgresql` package " +
        "(sudo apt-get install postgresql), or set DATABASE_URL to a Postgres you run",
    );
  }
  say("berth: installing Debian's postgresql package (once)");
  await mustRun("apt-get", ["update", "-q"]);
  await mustRun("apt-get", ["install", "-y", "-q", "postgresql"], {
    env: { DEBIAN_FRONTEND: "noninteractive" },
  });
  dir = await findBinDir();
  if (!dir) {
    throw new Error("installed postgresql but found no initdb in /usr/lib/postgresql/*/bin");
  }
  return dir;
}

/** Is `path` reachable by the postgres user? A checkout under /root is not. */
async function postgresCanReach(path: string): Promise<boolean> {
  if (!isRoot) return true;
  return (await run(RUNUSER, ["-u", "postgres", "--", "test", "-x", path])).code === 0;
}

/** Where a cluster lives and how it differs from berth's own. */
export interface ClusterOptions {
  /** Default BERTH_PG_PORT (25432). */
  port?: number;
  /** Its folder (data, socket, log); default `.data/pg`, or one in /var/tmp (see below). */
  home?: string;
  /** postgresql.conf lines that replace the defaults of the same names (at initdb). */
  settings?: Record<string, string>;
}

/** postgresql.conf of berth's private cluster: loopback only, sized for the bench. */
const SETTINGS: Record<string, string> = {
  max_connections: "300",
  shared_buffers: "512MB",
  work_mem: "8MB",
  wal_buffers: "16MB",
  max_wal_size: "4GB",
  checkpoint_timeout: "15min",
};

/** A private Postgres cluster for berth, on its own port and data folder. */
export class LocalPostgres {
  readonly port: number;
  #home: string;
  readonly #homeGiven: boolean;
  readonly #settings: Record<string, string>;

  constructor(opts: ClusterOptions = {}) {
    this.port = opts.port ?? PG_PORT;
    this.#home = opts.home ?? `${DATA}/pg`;
    this.#homeGiven = opts.home !== undefined;
    this.#settings = { ...SETTINGS, ...opts.settings };
  }

  /** The URL of a database on this cluster (superuser `berth`, trust auth on loopback). */
  url(database = "berth"): string {
    return `postgres://berth@127.0.0.1:${this.port}/${database}`;
  }

  async #resolveHome(): Promise<string> {
    if (this.#homeGiven) return this.#home;
    await Deno.mkdir(DATA, { recursive: true });
    if (await postgresCanReach(DATA)) return this.#home;
    // The checkout sits where the postgres user cannot go: keep the cluster in /var/tmp,
    // keyed by the checkout's path so two checkouts never share one.
    const key = Array.from(new TextEncoder().encode(DATA)).reduce((h, c) => (h * 31 + c) >>> 0, 7);
    this.#home = `/var/tmp/berth-pg-${key.toString(16)}`;
    return this.#home;
  }

  async #pgCtl(bin: string, args: string[]) {
    const [cmd, a] = asPostgres(`${bin}/pg_ctl`, args);
    return await run(cmd, a);
  }

  /** True when the postmaster of this cluster runs. */
  async running(): Promise<boolean> {
    return (await this.pid()) !== null;
  }

  /** Creates the cluster if needed and starts it; returns false if it was already running. */
  async start(say: (m: string) => void = console.error): Promise<boolean> {
    const bin = await postgresBinDir(say);
    const home = await this.#resolveHome();
    // One starter at a time: `up`, `test` and `bench` may race for the same cluster.
    const lockPath = this.#homeGiven ? `${home}.lock` : `${DATA}/pg.lock`;
    const lock = await Deno.open(lockPath, { create: true, write: true });
    await lock.lock(true);
    try {
      return await this.#start(bin, home, say);
    } finally {
      await lock.unlock();
      lock.close();
    }
  }

  async #start(bin: string, home: string, say: (m: string) => void): Promise<boolean> {
    const data = `${home}/data`;
    await Deno.mkdir(home, { recursive: true });
    if (isRoot) await mustRun("chown", ["postgres:postgres", home]);
    const exists = await Deno.stat(`${data}/PG_VERSION`).then(() => true, () => false);
    if (!exists) {
      say(`berth: creating a private Postgres cluster in ${data}`);
      const [cmd, args] = asPostgres(`${bin}/initdb`, [
        "-D",
        data,
        "-U",
        "berth",
        "--auth=trust",
        "-E",
        "UTF8",
        "--no-locale",
      ]);
      await mustRun(cmd, args);
      const conf = [
        "",
        "# berth: a private cluster on loopback only",
        `port = ${this.port}`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${home}'`,
        ...Object.entries(this.#settings).map(([k, v]) => `${k} = ${v}`),
        "",
      ].join("\n");
      const [sh, shArgs] = asPostgres("sh", ["-c", `cat >> '${data}/postgresql.conf'`]);
      const p = new Deno.Command(sh, { args: shArgs, stdin: "piped" }).spawn();
      const w = p.stdin.getWriter();
      await w.write(new TextEncoder().encode(conf));
      await w.close();
      if (!(await p.status).success) throw new Error("could not write postgresql.conf");
    }
    if (await this.pid()) return false;
    // A postmaster that was killed leaves its postmaster.pid; where nobody reaps it (a container
    // whose init does not) its pid stays a zombie, which Postgres and `pg_ctl status` take for a
    // live postmaster. Postgres itself still refuses to start while backends of the old one
    // hold its shared memory: they exit within moments, so a start after a crash is retried.
    const crashed = await Deno.remove(`${data}/postmaster.pid`).then(() => true, () => false);
    for (let attempt = 1;; attempt++) {
      const r = await this.#pgCtl(bin, [
        "-D",
        data,
        "-l",
        `${home}/postgres.log`,
        // The port of this run wins over the one written at initdb (BERTH_PG_PORT may change).
        "-o",
        `-p ${this.port}`,
        "-w",
        "-t",
        "60",
        "start",
      ]);
      if (r.code === 0) break;
      if (!crashed || attempt === 20) {
        throw new Error(
          `Postgres did not start (see ${home}/postgres.log):\n${r.stderr || r.stdout}`,
        );
      }
      await new Promise((res) => setTimeout(res, 500));
    }
    await this.#ensureDatabase("berth", bin);
    return true;
  }

  async #ensureDatabase(name: string, bin: string) {
    const psql = (sql: string) =>
      run(`${bin}/psql`, [
        "-h",
        "127.0.0.1",
        "-p",
        String(this.port),
        "-U",
        "berth",
        "-d",
        "postgres",
        "-tAc",
        sql,
      ]);
    const has = await psql(`select 1 from pg_database where datname = '${name}'`);
    if (has.stdout.trim() !== "1") await psql(`create database ${name}`);
  }

  /**
   * Starts the cluster if needed and registers this process as a user of it (a shared lock on
   * `.data/pg.users`). `release()` stops the cluster when no other user (an `up`, a test run,
   * a bench) still holds the lock: the last one out stops it. `started` says whether this call
   * started it.
   */
  async use(
    say: (m: string) => void = console.error,
  ): Promise<{ started: boolean; release(): Promise<void> }> {
    const started = await this.start(say);
    const path = `${DATA}/pg.users`;
    const mine = await Deno.open(path, { create: true, write: true });
    await mine.lock(false);
    return {
      started,
      release: async () => {
        await mine.unlock();
        mine.close();
        const lastOut =
          (await run("flock", ["--exclusive", "--nonblock", path, "true"])).code === 0;
        if (lastOut) await this.stop();
      },
    };
  }

  /** Stops the cluster (`fast` shutdown by default; `immediate` is a crash, then recovery). */
  async stop(mode: "fast" | "immediate" = "fast"): Promise<void> {
    const bin = await postgresBinDir();
    const home = await this.#resolveHome();
    await this.#pgCtl(bin, ["-D", `${home}/data`, "-m", mode, "-w", "stop"]);
  }

  /** The postmaster's pid while it runs (from `postmaster.pid`), else null. */
  async pid(): Promise<number | null> {
    const home = await this.#resolveHome();
    const text = await Deno.readTextFile(`${home}/data/postmaster.pid`).catch(() => "");
    const pid = Number(text.split("\n")[0]);
    return pid > 0 && alive(pid) ? pid : null;
  }

  /** The folder the cluster lives in (data, socket, log). */
  home(): Promise<string> {
    return this.#resolveHome();
  }
}
