/** docs/benchmarks.md: the targets first, then the figures behind them, then how to rerun. */
import type { Ceiling } from "./pgbench.ts";
import type { IdleResult } from "./idle.ts";
import type { ScenarioRun } from "./measure.ts";
import type { PauseResult } from "./pause.ts";
import type { RelayResult } from "./relay.ts";
import type { SustainedResult } from "./sustained.ts";
import { evaluateTargets } from "./targets.ts";
import { mb, ms, num, verdict } from "./format.ts";
import {
  ceilingSection,
  deadlockSection,
  idleSection,
  pauseSection,
  relaySection,
  scenarioSection,
  sustainedSection,
} from "./report_parts.ts";

/** The machine a run happened on. */
export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  kernel: string;
  deno: string;
  k6: string;
  postgres: string;
}

/** Deadlocks: `deadlock detected` lines in the cluster's log, and the run database's counter. */
export interface Deadlocks {
  /** Null when the log could not be read (a DATABASE_URL server): unknown. */
  log: number | null;
  logPath: string | null;
  database: number | null;
}

/** Everything `docs/benchmarks.md` shows. */
export interface BenchReport {
  date: string;
  command: string;
  machine: Machine;
  /** The pgbench ceilings measured (one per transaction first). */
  ceilings: Ceiling[];
  /** BENCH_CEILING, when the ceiling was given rather than measured. */
  ceilingGiven: number | null;
  idle: IdleResult | null;
  /** The relay against `nats bench`, when the run took that step. */
  relay: RelayResult | null;
  deadlocks: Deadlocks | null;
  /** Every k6 run outside the sustained search, pause included. */
  scenarios: ScenarioRun[];
  pause: Omit<PauseResult, "run"> | null;
  sustained: SustainedResult[];
  /** Knobs that differ from the defaults, as NAME=value. */
  knobs: string[];
  /** Printed progress notes worth keeping (settling waits, failures). */
  notes: string[];
}

/** The machine's CPU count, model, memory and kernel, from /proc. */
export async function describeMachine(versions: Pick<Machine, "deno" | "k6" | "postgres">) {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const meminfo = await Deno.readTextFile("/proc/meminfo").catch(() => "");
  return {
    cpus: navigator.hardwareConcurrency,
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1].trim() ?? "unknown",
    memoryBytes: Number(/^MemTotal:\s+(\d+) kB/m.exec(meminfo)?.[1] ?? 0) * 1024,
    kernel: Deno.osRelease(),
    ...versions,
  } satisfies Machine;
}

function rssCell(rss: ScenarioRun["rss"], name: string): string {
  const p = rss.find((r) => r.name === name);
  return p ? mb(p.maxProcessBytes) : "–";
}

function targetTable(r: BenchReport): string[] {
  const targets = evaluateTargets(r);
  if (!targets.length) return [];
  return [
    "## Targets",
    "",
    "| target | measured | bar | result |",
    "| --- | --- | --- | --- |",
    ...targets.map((t) => `| ${t.what} | ${t.measured} | ${t.target} | ${verdict(t.ok)} |`),
    "",
  ];
}

function scenarioTables(r: BenchReport): string[] {
  if (!r.scenarios.length) return [];
  const rows = [
    "## Scenarios",
    "",
    "| scenario | asked | throughput | p50 | p95 | p99 | errors | api RSS | workers RSS | k6 thresholds |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const s of r.scenarios) {
    const l = s.latencies[0];
    const failed = s.thresholds.filter((t) => !t.ok).length;
    rows.push(
      `| ${s.name} | ${s.rate ? `${num(s.rate)}/s` : "–"} | ${num(s.throughput)} ${s.unit} | ` +
        `${ms(l.p50)} | ${ms(l.p95)} | ${ms(l.p99)} | ${num(s.errors)} | ` +
        `${rssCell(s.rss, "api")} | ${rssCell(s.rss, "workers")} | ` +
        `${failed ? `**${failed} failed**` : "all met"} |`,
    );
  }
  rows.push(
    "",
    "The pipeline behind every booking, read from Postgres after the run: pending -> confirmed " +
      "from `reservation_history` (the first `pending` row to the first `confirmed` one) for " +
      "every reservation the run created (mixed cancels some before they are confirmed); " +
      "outbox rows and commits (`pg_stat_database.xact_commit` of the run database, less the " +
      "bench's own queries) from the run's start until its event backlog was 0 (or the watch " +
      "gave up) and a wait for Postgres to publish its counts (BENCH_STATS_WAIT_MS), over its " +
      "bookings: they include the platform's background commits over that window, which weigh " +
      "on short runs (see the idle rate); the backlog (unpublished outbox rows + consumers' " +
      "pending + unacked) sampled every 250 ms.",
    "",
    "| scenario | bookings | confirm p50 | p95 | p99 | max | not confirmed in 5 s | events/booking | commits/booking | backlog at load end | back to 0 after |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  );
  for (const s of r.scenarios) {
    const c = s.confirm;
    const per = s.perBooking;
    const each = (v: number | undefined) =>
      per && per.bookings > 0 && Number.isFinite(v) ? (v! / per.bookings).toFixed(2) : "–";
    rows.push(
      `| ${s.name} | ${num(c.bookings)} | ${ms(c.latency.p50)} | ${ms(c.latency.p95)} | ` +
        `${ms(c.latency.p99)} | ${ms(c.latency.max)} | ${num(c.late)} | ${each(per?.events)} | ` +
        `${each(per?.commits)} | ${num(s.lag.atLoadEnd)} | ` +
        `${s.lag.drainMs === null ? "not within the watch" : ms(s.lag.drainMs)} |`,
    );
  }
  return [...rows, ""];
}

/** Renders the report as Markdown. */
export function renderReport(r: BenchReport): string {
  const m = r.machine;
  return [
    "# berth benchmarks",
    "",
    `Written by \`${r.command}\` on ${r.date}. The figures are what that command printed; ` +
    "run it again to refresh them. It starts the whole platform as `./berth up` does (one api " +
    "process per core on a shared port, workers, info logging) on a fresh database and " +
    "JetStream store, and stops it all at the end. Rates are set, and targets judged, as ratios " +
    "to the pgbench ceiling measured in the same run; a missed target stays missed here.",
    "",
    `Machine: ${m.cpus} CPUs (${m.cpuModel}), ${mb(m.memoryBytes)} memory, Linux ${m.kernel}; ` +
    `Deno ${m.deno}, ${m.k6}, ${m.postgres}. Everything (Postgres, NATS, api, workers, k6) ` +
    "shares these CPUs. Where the time goes and what would move it: " +
    "[performance.md](performance.md).",
    "",
    ...targetTable(r),
    ...ceilingSection(r),
    ...relaySection(r),
    ...scenarioTables(r),
    ...sustainedSection(r),
    ...pauseSection(r),
    ...idleSection(r),
    ...deadlockSection(r),
    ...(r.scenarios.length ? ["## Scenario details", ""] : []),
    ...r.scenarios.flatMap(scenarioSection),
    ...(r.notes.length ? ["## Notes from the run", "", ...r.notes.map((n) => `- ${n}`), ""] : []),
    "## Reproduce",
    "",
    "```sh",
    [...r.knobs, r.command].join(" "),
    "# one scenario against a running berth:",
    "k6 run -e BERTH_URL=http://127.0.0.1:8080 -e BERTH_ADMIN_KEY=... loadtests/booking-steady.js",
    "```",
    "",
    "Knobs and scenarios: [loadtests/README.md](../loadtests/README.md).",
    "",
  ].join("\n");
}
