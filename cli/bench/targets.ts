/**
 * The targets of issue 9 and whether a run met them. Rates are ratios to the one-per-transaction
 * pgbench ceiling of the same run; a target whose figures the run did not take is left out.
 */
import type { BenchReport } from "./report.ts";
import type { ScenarioRun } from "./measure.ts";
import { ms, num } from "./format.ts";
import { sustainedText } from "./sustained.ts";

/** One target: what, the figure measured, the bar; met (true), missed (false), unknown (null). */
export interface Target {
  what: string;
  measured: string;
  target: string;
  ok: boolean | null;
}

/** The one-per-transaction ceiling of the run (measured, else given), null when neither. */
export function ceilingOf(r: Pick<BenchReport, "ceilings" | "ceilingGiven">): number | null {
  return r.ceilings.find((c) => c.perTransaction === 1)?.rate ?? r.ceilingGiven;
}

/** The largest RSS one process of that name reached in any scenario; 0 when never seen. */
export function peakRss(runs: ScenarioRun[], name: string): number {
  return Math.max(
    0,
    ...runs.flatMap((s) => s.rss.filter((p) => p.name === name)).map((p) => p.maxProcessBytes),
  );
}

/** Every target the run has figures for. */
export function evaluateTargets(r: BenchReport): Target[] {
  const out: Target[] = [];
  const ceiling = ceilingOf(r);
  const run = (name: string) => r.scenarios.find((s) => s.name === name);
  const ratio = (v: number) => (ceiling ? ` = ${(v / ceiling).toFixed(2)} x ceiling` : "");
  const steady = run("booking-steady");
  if (steady && ceiling) {
    out.push({
      what: "booking-steady: bookings/s",
      measured: `${num(steady.throughput)}/s${ratio(steady.throughput)}`,
      target: `>= 1.0 x ceiling (${num(ceiling)}/s)`,
      ok: steady.throughput >= ceiling,
    });
  }
  const steady80 = run("booking-steady-80");
  if (steady80) {
    const p99 = steady80.latencies[0].p99;
    out.push({
      what: `booking-steady at 0.8 x the rate reached (${num(steady80.rate ?? NaN)}/s): p99`,
      measured: ms(p99),
      target: "<= 50 ms",
      ok: p99 <= 50,
    });
  }
  const flash = run("flash-sale");
  if (flash) {
    const p99 = flash.latencies[0].p99;
    out.push({
      what: "flash-sale: sold-out p99",
      measured: ms(p99),
      target: "<= 20 ms",
      ok: p99 <= 20,
    });
  }
  const pipe = run("pipeline");
  if (pipe) {
    const c = pipe.confirm;
    out.push({
      what: `pipeline: pending -> confirmed p99, every booking (${num(c.bookings)})`,
      measured: ms(c.latency.p99),
      target: "<= 500 ms",
      ok: c.latency.p99 <= 500,
    }, {
      what: "pipeline: bookings not confirmed within 5 s",
      measured: num(c.late),
      target: "0",
      ok: c.bookings > 0 && c.late === 0,
    });
  }
  for (const s of r.sustained) {
    out.push({
      what: `sustained rate, ${s.mode}`,
      measured: s.rate ? `${num(s.rate)}/s${ratio(s.rate)}` : sustainedText(s),
      target: ceiling ? `>= 0.5 x ceiling (${num(0.5 * ceiling)}/s)` : ">= 0.5 x ceiling",
      ok: ceiling ? s.rate >= 0.5 * ceiling : null,
    });
  }
  const pause = run("pause");
  if (pause && r.pause) {
    const p99 = pause.latencies[0].p99;
    const cleared = r.pause.clearedMs;
    out.push(
      { what: "pause: booking p99", measured: ms(p99), target: "<= 100 ms", ok: p99 <= 100 },
      { what: "pause: errors", measured: num(pause.errors), target: "0", ok: pause.errors === 0 },
      {
        what: "pause: bookings placed before SIGCONT all confirmed, within 30 s of it",
        measured: r.pause.neverConfirmed
          ? `${num(r.pause.neverConfirmed)} never confirmed`
          : cleared === null
          ? "not measured"
          : cleared <= 0
          ? "all confirmed before SIGCONT"
          : `last one ${(cleared / 1000).toFixed(1)} s after SIGCONT`,
        target: "<= 30 s",
        ok: cleared !== null && r.pause.neverConfirmed === 0 && cleared <= 30_000,
      },
    );
  }
  if (r.deadlocks) {
    const n = r.deadlocks.log;
    out.push({
      what: "deadlocks in the Postgres log during the run",
      measured: n === null ? "unknown" : num(n),
      target: "0",
      ok: n === null ? null : n === 0,
    });
  }
  if (r.idle) {
    out.push({
      what: `idle: CPU of every platform process over ${r.idle.seconds.toFixed(0)} s`,
      measured: `${r.idle.percent.toFixed(2)} % of one core`,
      target: "<= 1 %",
      ok: r.idle.percent <= 1,
    });
  }
  const loaded = r.scenarios;
  for (const [name, limit] of [["api", 200], ["workers", 300]] as const) {
    const peak = peakRss(loaded, name);
    if (!peak) continue;
    out.push({
      what: `${name} RSS under load, largest process`,
      measured: `${(peak / 2 ** 20).toFixed(1)} MB`,
      target: `<= ${limit} MB`,
      ok: peak <= limit * 2 ** 20,
    });
  }
  return out;
}
