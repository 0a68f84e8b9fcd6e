/** The idle step: CPU time of every platform process over a quiet interval with no traffic. */
import type { Bench } from "./context.ts";
import type { IdleCpu, Watched } from "./cpu.ts";
import { measureIdle, statTicks } from "./cpu.ts";
import { settle, sleep } from "./lag.ts";
import { processTree } from "./rss.ts";

/**
 * Every process of the platform by name: api, workers and mail process trees, the nats-server,
 * and of Postgres the postmaster, its background processes and the backends of the run
 * database (backends of other databases on a shared cluster are not berth's).
 */
export async function platformProcesses(b: Bench, natsPid: number | undefined) {
  const out: Watched[] = [];
  for (const c of b.platform.children) {
    for (const pid of await processTree(c.pid)) out.push({ name: c.name, pid });
  }
  if (natsPid) out.push({ name: "nats-server", pid: natsPid });
  const rows = await b.db.admin<{ pid: number; type: string; app: string; me: boolean }[]>`
    select pid, coalesce(backend_type, '') as type, coalesce(application_name, '') as app,
      pid = pg_backend_pid() as me
    from pg_stat_activity
    where datname = ${b.db.database} or datname is null or pid = pg_backend_pid()`;
  const me = rows.find((r) => r.me);
  const postmaster = me ? await parentOf(me.pid) : null;
  if (postmaster) out.push({ name: "postgres postmaster", pid: postmaster });
  for (const r of rows) {
    if (r.me || r.app === "berth-bench") continue; // the bench's own connections
    const name = r.type === "client backend"
      ? `postgres backend (${r.app || "no name"})`
      : `postgres ${r.type}`;
    out.push({ name, pid: r.pid });
  }
  return out;
}

async function parentOf(pid: number): Promise<number | null> {
  try {
    return statTicks(await Deno.readTextFile(`/proc/${pid}/stat`)).ppid;
  } catch {
    return null; // a server on another machine
  }
}

/** What the platform does with no traffic: CPU time, and commits in the run database. */
export interface IdleResult extends IdleCpu {
  /** pg_stat_database.xact_commit of the run database a second (the bench's own left out). */
  commitsPerSecond: number;
}

/** How long the platform is left alone before its idle CPU is measured. */
const REST_AFTER_MS = 60_000;

/** Waits for the platform to settle, then measures `knobs.idleSeconds` of CPU time. */
export async function idleStep(b: Bench, natsPid: number | undefined): Promise<IdleResult> {
  await settle(b.db, b.knobs.settleSeconds * 1000, b.say);
  // At rest, not starting: the processes' start-up (compiling, first pulls and sweeps, V8's
  // garbage collections once they turn idle, some 40 s in) and the relay's awake time after
  // its last event pass first.
  await sleep(REST_AFTER_MS);
  b.say(`bench: idle: CPU time of every platform process over ${b.knobs.idleSeconds} s`);
  const before = await b.db.stats();
  const cpu = await measureIdle(() => platformProcesses(b, natsPid), b.knobs.idleSeconds);
  const after = await b.db.stats();
  return { ...cpu, commitsPerSecond: (after.xactCommit - before.xactCommit) / cpu.seconds };
}
