import { type Platform, startPlatform } from "./up.ts";
import { ensureTool } from "./infra/tools.ts";
import { postgresBinDir } from "./infra/postgres.ts";
import { run } from "./infra/exec.ts";
import { ROOT } from "./infra/paths.ts";
import { SCENARIOS } from "./bench/scenarios.ts";
import { killK6, RESULTS, runK6 } from "./bench/k6.ts";
import { RssSampler } from "./bench/rss.ts";
import { settle } from "./bench/lag.ts";
import { startSandbox } from "./bench/sandbox.ts";
import { type Ceiling, pgbenchCeiling } from "./bench/pgbench.ts";
import { type BenchReport, bookingRate, describeMachine, renderReport } from "./bench/report.ts";

/** Names `./berth bench` accepts: every k6 scenario, and `pgbench` for the ceiling alone. */
export const BENCH_NAMES = [...SCENARIOS.map((s) => s.name), "pgbench"];

const say = (m: string) => console.error(m);
const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : "–");

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

/** The progress line: scenario, elapsed of expected seconds. */
function progress(i: number, n: number, name: string, expect: number) {
  const tty = Deno.stderr.isTerminal();
  let last = 0;
  return (elapsed: number) => {
    const line = `bench: [${i}/${n}] ${name}  ${Math.round(elapsed)} s of ~${expect} s`;
    if (tty) Deno.stderr.writeSync(new TextEncoder().encode(`\r${line}   `));
    else if (elapsed - last >= 15) {
      last = elapsed;
      say(line);
    }
  };
}

/**
 * `./berth bench [scenario...]`: starts berth as in production, measures the pgbench ceiling,
 * runs the k6 scenarios one after another while sampling the api's RSS, stops everything, and
 * writes the report (docs/benchmarks.md for a full run). Exit code 1 when a target is missed.
 */
export async function bench(args: string[]): Promise<number> {
  const names = args.filter((a) => !a.startsWith("-"));
  const unknown = names.filter((n) => !BENCH_NAMES.includes(n));
  if (unknown.length) {
    say(`berth: unknown scenario ${unknown.join(", ")}; one of ${BENCH_NAMES.join(", ")}`);
    return 2;
  }
  const full = names.length === 0;
  const specs = full ? SCENARIOS : SCENARIOS.filter((s) => names.includes(s.name));
  const withCeiling = full || names.includes("pgbench") || names.includes("booking-steady");
  const k6 = await ensureTool("k6", say);
  const logLevel = ["warn", "error", "silent"].includes(Deno.env.get("LOG_LEVEL") ?? "")
    ? undefined
    : "info";
  // A fresh database and JetStream store for this run; the platform picks them up from the env.
  const sandbox = await startSandbox(say);
  Deno.env.set("DATABASE_URL", sandbox.databaseUrl);
  Deno.env.set("NATS_URL", sandbox.natsUrl);
  let platform: Platform;
  try {
    platform = await startPlatform({ logLevel });
  } catch (err) {
    await sandbox.stop();
    throw err;
  }
  const onSignal = () => {
    killK6();
    platform.stop().then(() => sandbox.stop()).then(() => Deno.exit(130));
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  const report: BenchReport = {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    command: `./berth bench${args.length ? ` ${args.join(" ")}` : ""}`,
    machine: await describeMachine(await versions(k6)),
    scenarios: [],
    ceiling: null as Ceiling | null,
    notes: [],
  };
  let ok = true;
  try {
    await waitReady(platform.url);
    const apiPids = platform.children.filter((c) => c.name === "api").map((c) => c.pid);
    say(`bench: berth is up at ${platform.url} (api pids ${apiPids.join(", ")})`);
    if (withCeiling) {
      report.ceiling = await pgbenchCeiling(platform.databaseUrl, { seconds: 10, say });
      say(`bench: pgbench ceiling ${Math.round(report.ceiling.tps)} bookings/s`);
    }
    for (const [i, spec] of specs.entries()) {
      const left = await settle(platform, 60_000, say);
      if (left) report.notes.push(`before ${spec.name}: event backlog still ${left} after 60 s`);
      say(`bench: [${i + 1}/${specs.length}] ${spec.name}: ${spec.what}`);
      const sampler = new RssSampler(platform.children).start();
      const result = await runK6(
        k6,
        spec,
        platform,
        progress(i + 1, specs.length, spec.name, spec.expectSeconds),
      );
      const rss = await sampler.stop();
      if (Deno.stderr.isTerminal()) say("");
      if (!result) {
        ok = false;
        const note = `${spec.name} produced no summary; see .data/logs/k6-${spec.name}.log`;
        report.notes.push(note);
        say(`bench: ${note}`);
        continue;
      }
      report.scenarios.push({ ...result, rss });
      const missed = result.thresholds.filter((t) => !t.ok);
      if (result.exitCode !== 0) ok = false;
      const l = result.latencies[0];
      say(
        `bench: ${spec.name}: ${Math.round(result.throughput)} ${result.unit}, ` +
          `p50 ${ms(l.p50)}, p95 ${ms(l.p95)}, p99 ${ms(l.p99)}, ` +
          `${result.errors} errors, api RSS ${
            Math.round((rss[0]?.maxProcessBytes ?? 0) / 2 ** 20)
          } MB` +
          (missed.length
            ? `; missed: ${missed.map((t) => `${t.metric} ${t.expr}`).join(", ")}`
            : ""),
      );
    }
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
    await platform.stop();
    await sandbox.stop();
  }
  const rate = bookingRate(report);
  if (report.ceiling && rate !== null && rate / report.ceiling.tps < 0.6) ok = false;
  const out = full ? `${ROOT}/docs/benchmarks.md` : `${RESULTS}/bench-${names.join("-")}.md`;
  await Deno.mkdir(out.replace(/\/[^/]+$/, ""), { recursive: true });
  await Deno.writeTextFile(out, renderReport(report));
  say(`bench: wrote ${out.replace(`${ROOT}/`, "")}${ok ? "" : " (some targets missed)"}`);
  return ok ? 0 : 1;
}
