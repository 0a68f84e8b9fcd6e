import { connectDb, migrate } from "../../shared/db/mod.ts";
import { mustRun, postgresBinDir, ROOT, run } from "../infra/mod.ts";

/** The scratch database on berth's cluster that pgbench uses, so berth's own data stays as is. */
export const SCRATCH_DB = "berth_bench";

/** One pgbench run: client count and what it measured. */
export interface PgbenchRun {
  clients: number;
  tps: number;
  latencyMs: number;
  failed: number;
}

/** What pgbench runs: a script and how many bookings one of its transactions makes. */
export interface CeilingSpec {
  script: string;
  perTransaction: number;
  clients: number[];
}

/** The bare booking, one per transaction: the ceiling the targets are ratios to. */
export const ONE_PER_TRANSACTION: CeilingSpec = {
  script: "loadtests/pgbench/booking.sql",
  perTransaction: 1,
  clients: [8, 16, 32],
};

/** 50 bare bookings in one transaction, as a group commit would place them. */
export const FIFTY_PER_TRANSACTION: CeilingSpec = {
  script: "loadtests/pgbench/booking50.sql",
  perTransaction: 50,
  clients: [1, 2, 4],
};

/**
 * A ceiling: bookings/s of the best run (tps x bookings per transaction), every run, and the
 * exact pgbench command of the best one.
 */
export interface Ceiling {
  script: string;
  perTransaction: number;
  rate: number;
  best: PgbenchRun;
  runs: PgbenchRun[];
  command: string;
  version: string;
}

/** Reads tps, average latency and failed transactions from pgbench's report. */
export function parsePgbench(out: string): Omit<PgbenchRun, "clients"> {
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(out) ??
    /tps = ([\d.]+)/.exec(out);
  const lat = /latency average = ([\d.]+) ms/.exec(out);
  const failed = /number of failed transactions: (\d+)/.exec(out);
  if (!tps) throw new Error(`pgbench printed no tps:\n${out}`);
  return {
    tps: Number(tps[1]),
    latencyMs: lat ? Number(lat[1]) : NaN,
    failed: failed ? Number(failed[1]) : 0,
  };
}

/** The URL of another database on the same server. */
export function sameServer(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Drops and recreates the scratch database, migrates it like berth's and seeds the keys. */
async function prepareScratch(databaseUrl: string, bin: string): Promise<string> {
  const admin = connectDb(sameServer(databaseUrl, "postgres"), { max: 1, appName: "berth-bench" });
  try {
    await admin`drop database if exists ${admin(SCRATCH_DB)} with (force)`;
    await admin`create database ${admin(SCRATCH_DB)}`;
  } finally {
    await admin.end();
  }
  const url = sameServer(databaseUrl, SCRATCH_DB);
  const sql = connectDb(url, { max: 1, appName: "berth-bench" });
  try {
    await migrate(sql);
  } finally {
    await sql.end();
  }
  await mustRun(`${bin}/psql`, [url, "-q", "-v", "ON_ERROR_STOP=1", "-f", SEED]);
  return url;
}

const SEED = `${ROOT}/loadtests/pgbench/seed.sql`;

/**
 * Runs each script with pgbench at a few client counts against a scratch database on berth's
 * Postgres server (seeded once, dropped afterwards) and returns each one's best rate: the
 * physical ceilings for bookings.
 */
export async function pgbenchCeilings(
  databaseUrl: string,
  specs: CeilingSpec[],
  opts: { seconds?: number; say?: (m: string) => void } = {},
): Promise<Ceiling[]> {
  const say = opts.say ?? console.error;
  const seconds = opts.seconds ?? 10;
  const bin = await postgresBinDir(say);
  const url = await prepareScratch(databaseUrl, bin);
  const version = (await mustRun(`${bin}/pgbench`, ["--version"])).trim();
  const out: Ceiling[] = [];
  try {
    for (const spec of specs) {
      const runs: { run: PgbenchRun; command: string }[] = [];
      for (const clients of spec.clients) {
        const args = ["-n", "-M", "prepared", "-c", String(clients), "-j", "2", "-T"];
        args.push(String(seconds), "-f", spec.script);
        say(`bench: pgbench ${spec.script.split("/").pop()}, ${clients} clients, ${seconds} s`);
        const r = await run(`${bin}/pgbench`, [...args, url], { cwd: ROOT });
        if (r.code !== 0) throw new Error(`pgbench failed (${r.code}):\n${r.stderr || r.stdout}`);
        runs.push({
          run: { clients, ...parsePgbench(r.stdout) },
          command: `pgbench ${args.join(" ")} ${SCRATCH_DB}`,
        });
      }
      const best = runs.reduce((a, b) => (b.run.tps > a.run.tps ? b : a));
      out.push({
        script: spec.script,
        perTransaction: spec.perTransaction,
        rate: best.run.tps * spec.perTransaction,
        best: best.run,
        runs: runs.map((r) => r.run),
        command: best.command,
        version,
      });
    }
  } finally {
    await dropScratch(databaseUrl);
  }
  return out;
}

async function dropScratch(databaseUrl: string) {
  const admin = connectDb(sameServer(databaseUrl, "postgres"), { max: 1, appName: "berth-bench" });
  try {
    await admin`drop database if exists ${admin(SCRATCH_DB)} with (force)`;
  } finally {
    await admin.end();
  }
}
