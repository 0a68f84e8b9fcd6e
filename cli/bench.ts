import type { Platform } from "./up.ts";
import { startPlatform } from "./up.ts";
import { ensureTool, postgresBinDir, ROOT, run } from "./infra/mod.ts";
import type { Bench, BenchReport, Knobs, Plan } from "./bench/mod.ts";
import {
  BenchDb,
  continueAll,
  DeadlockLog,
  describeMachine,
  evaluateTargets,
  killK6,
  knobsSet,
  plan,
  privateClusterLog,
  readKnobs,
  renderReport,
  RESULTS,
  runSteps,
  startSandbox,
  STEPS,
} from "./bench/mod.ts";

/** Names `./berth bench` accepts: every step of a full run (k6 scenarios, pgbench, idle, ...). */
export const BENCH_NAMES: readonly string[] = STEPS;

const say = (m: string) => console.error(m);

async function waitReady(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/ready`).then(
      (r) => r.body?.cancel().then(() => r.ok),
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url}/ready did not answer 200 within ${timeoutMs} ms`);
}

async function versions(k6: string) {
  const bin = await postgresBinDir();
  return {
    deno: Deno.version.deno,
    k6: (await run(k6, ["version"])).stdout.split("\n")[0].trim(),
    postgres: (await run(`${bin}/postgres`, ["--version"])).stdout.trim(),
  };
}

/**
 * `./berth bench [step...]`: starts berth as in production on a fresh database and JetStream
 * store, measures idle CPU and the pgbench ceilings, runs the k6 scenarios (rates as shares of
 * the ceiling), the pause and the sustained-rate search, counts deadlocks, stops everything and
 * writes the report (docs/benchmarks.md for a full run, or BENCH_OUT). Exit code 1 when a target
 * is missed.
 */
export async function bench(args: string[]): Promise<number> {
  let p: Plan;
  let knobs: Knobs;
  try {
    p = plan(args.filter((a) => !a.startsWith("-")));
    knobs = readKnobs(Deno.env.toObject());
  } catch (err) {
    say(`berth: ${(err as Error).message}`);
    return 2;
  }
  const k6 = await ensureTool("k6", say);
  const logLevel = ["warn", "error", "silent"].includes(Deno.env.get("LOG_LEVEL") ?? "")
    ? undefined
    : "info";
  const sandbox = await startSandbox(say);
  Deno.env.set("DATABASE_URL", sandbox.databaseUrl);
  Deno.env.set("NATS_URL", sandbox.natsUrl);
  let platform: Platform;
  let db: BenchDb;
  try {
    platform = await startPlatform({ logLevel });
  } catch (err) {
    await sandbox.stop();
    throw err;
  }
  try {
    db = await BenchDb.open(sandbox.databaseUrl, sandbox.natsUrl);
  } catch (err) {
    await platform.stop();
    await sandbox.stop();
    throw err;
  }
  const b: Bench = { k6, platform, db, knobs, ceiling: null, paused: new Set(), notes: [], say };
  const onSignal = () => {
    continueAll(b);
    killK6();
    platform.stop().then(() => sandbox.stop()).then(() => Deno.exit(130));
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  const report: BenchReport = {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    command: `./berth bench${args.length ? ` ${args.join(" ")}` : ""}`,
    machine: await describeMachine(await versions(k6)),
    ceilings: [],
    ceilingGiven: null,
    idle: null,
    relay: null,
    deadlocks: null,
    scenarios: [],
    pause: null,
    sustained: [],
    knobs: knobsSet(Deno.env.toObject()),
    notes: b.notes,
  };
  let failed = false;
  try {
    const logPath = sandbox.privateCluster ? await privateClusterLog(db.admin) : null;
    const deadlockLog = await DeadlockLog.start(logPath);
    const before = await db.stats();
    try {
      await waitReady(platform.url);
      const apiPids = platform.children.filter((c) => c.name === "api").map((c) => c.pid);
      say(`bench: berth is up at ${platform.url} (api pids ${apiPids.join(", ")})`);
      await runSteps(b, p, report, sandbox.natsPid);
    } catch (err) {
      failed = true;
      b.notes.push(`the run stopped early: ${(err as Error).message}`);
      say(`bench: ${(err as Error).stack ?? err}`);
    } finally {
      continueAll(b);
      report.deadlocks = {
        log: await deadlockLog.count(),
        logPath,
        database: (await db.stats().catch(() => ({ deadlocks: NaN }))).deadlocks -
          before.deadlocks,
      };
    }
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
    await db.close();
    await platform.stop();
    await sandbox.stop();
  }
  const missed = evaluateTargets(report).filter((t) => t.ok === false);
  const k6Failed = report.scenarios.filter((s) => s.exitCode !== 0);
  const ok = !failed && !missed.length && !k6Failed.length &&
    !b.notes.some((n) => n.includes("no summary"));
  for (const t of missed) say(`bench: missed: ${t.what}: ${t.measured} (${t.target})`);
  const out = Deno.env.get("BENCH_OUT") ||
    (p.full ? `${ROOT}/docs/benchmarks.md` : `${RESULTS}/bench-${p.steps.join("-")}.md`);
  await Deno.mkdir(out.replace(/\/[^/]+$/, ""), { recursive: true });
  await Deno.writeTextFile(out, renderReport(report));
  say(`bench: wrote ${out.replace(`${ROOT}/`, "")}${ok ? "" : " (some targets missed)"}`);
  return ok ? 0 : 1;
}
