/**
 * The fault suite's own platform: `./berth up` in a child process with a data folder and ports
 * of its own, so killing its Postgres or nats-server never touches the platform or the test
 * cluster of the same checkout. Its processes are found in /proc, by ancestry and data folder.
 */
import { DATA, NATS_MONITOR_PORT, NATS_PORT, PG_PORT, ROOT } from "../infra/paths.ts";
import { connectDb, type Sql } from "../../shared/db/db.ts";

/** Ports of the fault suite's platform: berth's own plus this offset. */
const OFFSET = 17;

export interface ChaosPlatform {
  url: string;
  adminKey: string;
  databaseUrl: string;
  natsUrl: string;
  /** Its data folder (Postgres, JetStream, logs, the mail sink's messages). */
  data: string;
  /** The pids of its processes of one kind, as they are now. */
  pids(kind: "api" | "workers" | "nats-server" | "postgres"): Promise<number[]>;
  sql: Sql;
  stop(): Promise<void>;
}

interface Proc {
  pid: number;
  ppid: number;
  cmdline: string;
}

/** Every process on the machine, with its parent and command line. */
export async function processes(): Promise<Proc[]> {
  const out: Proc[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const stat = await Deno.readTextFile(`/proc/${e.name}/stat`);
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const cmdline = (await Deno.readTextFile(`/proc/${e.name}/cmdline`)).replaceAll("\0", " ");
      out.push({ pid: Number(e.name), ppid, cmdline });
    } catch { /* gone meanwhile */ }
  }
  return out;
}

/** Starts the platform and waits until it takes bookings. */
export async function startChaosPlatform(say: (m: string) => void): Promise<ChaosPlatform> {
  const data = `${DATA}/chaos`;
  await Deno.remove(data, { recursive: true }).catch(() => {});
  await Deno.mkdir(data, { recursive: true });
  const port = (base: number) => String(base + OFFSET);
  const apiPort = Number(port(Number(Deno.env.get("BERTH_PORT") ?? 8080)));
  const env: Record<string, string> = {
    ...Deno.env.toObject(),
    BERTH_DATA: data,
    BERTH_PG_PORT: port(PG_PORT),
    BERTH_NATS_PORT: port(NATS_PORT),
    BERTH_NATS_MONITOR_PORT: port(NATS_MONITOR_PORT),
    BERTH_MAIL_SINK_PORT: port(Number(Deno.env.get("BERTH_MAIL_SINK_PORT") ?? 2525)),
    BERTH_PORT: String(apiPort),
    BERTH_API_PROCESSES: "2",
    BERTH_WORKER_PROCESSES: "2",
    BERTH_ADMIN_KEY: "berth-chaos-admin-key",
    LOG_LEVEL: "info",
  };
  // Its own infrastructure, always: the suite crashes it.
  delete env.DATABASE_URL;
  delete env.NATS_URL;
  delete env.BERTH_SMTP_URL;
  delete env.BERTH_NATS_CLUSTER;
  // Through sh, so both streams go to one file; every exec keeps the pid: it is up's own.
  const up = new Deno.Command("sh", {
    args: ["-c", `exec '${ROOT}/berth' up >> '${data}/up.log' 2>&1`],
    env,
    cwd: ROOT,
    stdin: "null",
  }).spawn();
  const upPid = up.pid;
  const url = `http://127.0.0.1:${apiPort}`;
  const deadline = Date.now() + 180_000;
  let exited = false;
  up.status.then(() => exited = true);
  while (true) {
    if (exited) throw new Error(`the fault suite's platform did not start; see ${data}/up.log`);
    if (Date.now() > deadline) throw new Error(`not ready after 180 s; see ${data}/up.log`);
    const ok = await fetch(`${url}/ready`).then((r) => (r.body?.cancel(), r.ok), () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const databaseUrl = `postgres://berth@127.0.0.1:${port(PG_PORT)}/berth`;
  const sql = connectDb(databaseUrl, { max: 4, appName: "berth-chaos" });
  say(`berth chaos: platform up at ${url} (data ${data})`);
  const pids = async (kind: "api" | "workers" | "nats-server" | "postgres") => {
    if (kind === "postgres") {
      const [{ dir }] = await sql<{ dir: string }[]>`select current_setting('data_directory') dir`;
      const pid = Number((await Deno.readTextFile(`${dir}/postmaster.pid`)).split("\n")[0]);
      return [pid];
    }
    const all = await processes();
    if (kind === "nats-server") {
      return all.filter((p) => p.cmdline.includes("nats-server") && p.cmdline.includes(data))
        .map((p) => p.pid);
    }
    const script = kind === "api" ? "api/main.ts" : "consumers/main.ts";
    return all.filter((p) => p.ppid === upPid && p.cmdline.includes(script)).map((p) => p.pid);
  };
  return {
    url,
    adminKey: env.BERTH_ADMIN_KEY,
    databaseUrl,
    natsUrl: `nats://127.0.0.1:${port(NATS_PORT)}`,
    data,
    pids,
    sql,
    async stop() {
      await sql.end({ timeout: 2 }).catch(() => {});
      try {
        up.kill("SIGTERM");
      } catch { /* gone */ }
      await up.status;
    },
  };
}
