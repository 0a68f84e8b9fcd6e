import type { Ceiling } from "./pgbench.ts";
import type { RssPeak } from "./rss.ts";
import type { ScenarioResult } from "./scenarios.ts";

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

/** Everything `docs/benchmarks.md` shows. */
export interface BenchReport {
  date: string;
  command: string;
  machine: Machine;
  scenarios: (ScenarioResult & { rss: RssPeak[] })[];
  ceiling: Ceiling | null;
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

const ms = (
  v: number,
) => (Number.isFinite(v) ? `${v < 10 ? v.toFixed(1) : Math.round(v)} ms` : "–");
const num = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString("en-US") : "–");
const mb = (b: number) => `${Math.round(b / 1024 / 1024)} MB`;

function rssCell(rss: RssPeak[], name: string): string {
  const p = rss.find((r) => r.name === name);
  return p ? mb(p.maxProcessBytes) : "–";
}

/** The headline booking rate: booking-steady's throughput, if it ran. */
export function bookingRate(r: BenchReport): number | null {
  return r.scenarios.find((s) => s.name === "booking-steady")?.throughput ?? null;
}

function summaryTable(r: BenchReport): string[] {
  const rows = [
    "| scenario | throughput | p50 | p95 | p99 | errors | api RSS (max/process) | thresholds |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const s of r.scenarios) {
    const l = s.latencies[0];
    const failed = s.thresholds.filter((t) => !t.ok).length;
    rows.push(
      `| ${s.name} | ${num(s.throughput)} ${s.unit} | ${ms(l.p50)} | ${ms(l.p95)} | ` +
        `${ms(l.p99)} | ${num(s.errors)} | ${rssCell(s.rss, "api")} | ` +
        `${failed ? `**${failed} failed**` : "all met"} |`,
    );
  }
  return rows;
}

function scenarioSection(s: BenchReport["scenarios"][number]): string[] {
  const out = [
    `### ${s.name}`,
    "",
    `${num(s.count)} in ${s.seconds.toFixed(1)} s = **${num(s.throughput)} ${s.unit}**; ` +
    `${num(s.requests)} HTTP requests, ${num(s.errors)} errors; k6 exit code ${s.exitCode}.`,
    "",
    "| latency | p50 | p95 | p99 | samples |",
    "| --- | --- | --- | --- | --- |",
    ...s.latencies.map((l) =>
      `| ${l.label} | ${ms(l.p50)} | ${ms(l.p95)} | ${ms(l.p99)} | ${num(l.n)} |`
    ),
    "",
  ];
  for (const f of s.figures) out.push(`- ${f.label}: ${num(f.value)}`);
  for (const p of s.rss) {
    out.push(
      `- ${p.name} RSS peak: ${mb(p.maxProcessBytes)} per process ` +
        `(${p.processes} process${p.processes === 1 ? "" : "es"}, ${mb(p.maxTreeBytes)} in all)`,
    );
  }
  out.push("", "Thresholds (the targets, as k6 checked them):", "");
  for (const t of s.thresholds) {
    out.push(`- ${t.ok ? "met" : "**missed**"}: \`${t.metric}\` ${t.expr}`);
  }
  return [...out, ""];
}

function ceilingSection(r: BenchReport): string[] {
  const c = r.ceiling;
  if (!c) return [];
  const rate = bookingRate(r);
  const out = [
    "## The ceiling: pgbench with the bare booking SQL",
    "",
    "`loadtests/pgbench/booking.sql` (advisory lock, inventory update, reservation insert, in one " +
    "transaction) against a scratch database on the same Postgres, migrated like berth's. " +
    `${c.version}.`,
    "",
    "| clients | tps | latency avg | failed |",
    "| --- | --- | --- | --- |",
    ...c.runs.map((x) => `| ${x.clients} | ${num(x.tps)} | ${ms(x.latencyMs)} | ${x.failed} |`),
    "",
    `Ceiling: **${num(c.tps)} bookings/s** (\`${c.command}\`).`,
  ];
  if (rate !== null) {
    out.push(
      `berth's booking rate (booking-steady): ${num(rate)}/s = **${(rate / c.tps).toFixed(2)}** ` +
        "of the ceiling (target: at least 0.60).",
    );
  }
  return [...out, ""];
}

/** Renders the report as Markdown: summary table, ceiling, each scenario, machine, command. */
export function renderReport(r: BenchReport): string {
  const m = r.machine;
  return [
    "# berth benchmarks",
    "",
    `Written by \`${r.command}\` on ${r.date}. The figures are what that command printed; ` +
    "run it again to refresh them. It starts the whole platform as `./berth up` does (one api " +
    "process per core on a shared port, workers, info logging) on a fresh database and " +
    "JetStream store, and stops it all at the end.",
    "",
    `Machine: ${m.cpus} CPUs (${m.cpuModel}), ${mb(m.memoryBytes)} memory, Linux ${m.kernel}; ` +
    `Deno ${m.deno}, ${m.k6}, ${m.postgres}. Everything (Postgres, NATS, api, workers, k6) ` +
    "shares these CPUs. Where the time goes and what would move it: " +
    "[performance.md](performance.md).",
    "",
    ...summaryTable(r),
    "",
    ...ceilingSection(r),
    "## Scenarios",
    "",
    ...r.scenarios.flatMap(scenarioSection),
    ...(r.notes.length ? ["## Notes from the run", "", ...r.notes.map((n) => `- ${n}`), ""] : []),
    "## Reproduce",
    "",
    "```sh",
    r.command,
    "# one scenario against a running berth:",
    "k6 run -e BERTH_URL=http://127.0.0.1:8080 -e BERTH_ADMIN_KEY=... loadtests/booking-steady.js",
    "```",
    "",
  ].join("\n");
}
