/** Sections of docs/benchmarks.md below the targets: ceilings, searches, pause, idle, details. */
import type { BenchReport } from "./report.ts";
import type { ScenarioRun } from "./measure.ts";
import { ceilingOf } from "./targets.ts";
import { mb, ms, num, ratio } from "./format.ts";
import { sustainedText } from "./sustained.ts";

/** The pgbench ceilings, every run of them. */
export function ceilingSection(r: BenchReport): string[] {
  if (!r.ceilings.length) {
    return r.ceilingGiven
      ? [
        "## Ceiling",
        "",
        `Given as BENCH_CEILING=${r.ceilingGiven}, not measured in this run.`,
        "",
      ]
      : [];
  }
  const out = [
    "## Ceilings: pgbench with the bare booking SQL",
    "",
    "The bare booking (advisory lock, inventory update, reservation insert) against a scratch " +
    "database on the same Postgres, migrated like berth's: `loadtests/pgbench/booking.sql` one " +
    "booking per transaction, `loadtests/pgbench/booking50.sql` 50 per transaction (bookings/s = " +
    `tps x 50). ${r.ceilings[0].version}.`,
    "",
    "| script | clients | tps | bookings/s | latency avg | failed |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  for (const c of r.ceilings) {
    for (const x of c.runs) {
      out.push(
        `| ${c.script.split("/").pop()} | ${x.clients} | ${num(x.tps)} | ` +
          `${num(x.tps * c.perTransaction)} | ${ms(x.latencyMs)} | ${x.failed} |`,
      );
    }
  }
  out.push("");
  for (const c of r.ceilings) {
    out.push(
      `- ${
        c.perTransaction === 1 ? "One per transaction" : `${c.perTransaction} per transaction`
      }` +
        `: **${num(c.rate)} bookings/s** (\`${c.command}\`)`,
    );
  }
  const one = ceilingOf(r);
  const batch = r.ceilings.find((c) => c.perTransaction > 1);
  if (one && batch) out.push(`- Batched over single: ${ratio(batch.rate / one)} x`);
  return [...out, ""];
}

/** The outbox relay against the JetStream ceiling. */
export function relaySection(r: BenchReport): string[] {
  const x = r.relay;
  if (!x) return [];
  return [
    "## Relay: the outbox into JetStream",
    "",
    `${num(x.events)} events of ${num(x.payloadBytes)} B written to the outbox of a scratch ` +
    "database, spread over the streams as a booking's saga spreads them (reservation, payment, " +
    "rate, notification), then published by one relay (`shared/outbox/relay.ts`) to a fresh " +
    "nats-server configured as `up` configures its own (file storage, an fsync before every " +
    "acknowledgement). The ceiling is `nats bench` on the same server: asynchronous publishes " +
    "to one stream, with message ids, the same size.",
    "",
    "| | messages/s |",
    "| --- | --- |",
    `| relay (read, publish, mark) | ${num(x.relayRate)} |`,
    `| \`${x.natsCommand}\` | ${num(x.natsRate)} |`,
    `| relay / nats bench | ${ratio(x.relayRate / x.natsRate)} x |`,
    "",
  ];
}

/** The sustained-rate searches, probe by probe. */
export function sustainedSection(r: BenchReport): string[] {
  if (!r.sustained.length) return [];
  const ceiling = ceilingOf(r);
  const out = [
    "## Sustained rate",
    "",
    "The highest constant rate of bookings with `tok_ok` at which every booking is confirmed " +
    "(pending -> confirmed p99 <= 500 ms, none later than 5 s), no request fails, at most 0.5 % " +
    "of arrivals are dropped, and the event backlog is back to 0 within 5 s of the load's end. " +
    "Searched from the rate the pipeline step accepted (0.25 x the ceiling when the run did not " +
    "take it, or when that is lower): doubled while probes hold, halved while they miss, then " +
    "bisected; `loadtests/pipeline.js` for each probe.",
    "",
  ];
  for (const s of r.sustained) {
    out.push(
      `### ${s.mode}: ${sustainedText(s, " bookings/s")}` +
        (ceiling && s.rate ? ` (${ratio(s.rate / ceiling)} x the ceiling)` : "") +
        (s.rate ? "" : ": none of the rates tried held"),
      "",
      "| rate | bookings | confirm p99 | late | errors | dropped | back to 0 after | backlog at start | held |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
      ...s.probes.map((p) =>
        `| ${num(p.rate)}/s | ${num(p.bookings)} | ${ms(p.confirmP99)} | ${num(p.late)} | ` +
        `${num(p.errors)} | ${num(p.dropped)} | ${p.drainMs === null ? "–" : ms(p.drainMs)} | ` +
        `${num(p.backlogAtStart)} | ${p.ok ? "yes" : `no: ${p.why.join(", ")}`} |`
      ),
      "",
    );
  }
  return out;
}

/** What the pause did. */
export function pauseSection(r: BenchReport): string[] {
  const p = r.pause;
  const run = r.scenarios.find((s) => s.name === "pause");
  if (!p || !run) return [];
  const at = (t: number) =>
    Number.isFinite(t) ? `${((t - run.startedAt) / 1000).toFixed(1)} s` : "–";
  return [
    "## Pause",
    "",
    `${num(run.rate ?? NaN)} bookings/s; workers pid ${p.pid} (of ${p.workers} workers ` +
    `process${p.workers === 1 ? "" : "es"}) stopped ${at(p.stoppedAt)} and continued ` +
    `${at(p.continuedAt)} after k6 started. Bookings: p99 ${ms(run.latencies[0].p99)}, ` +
    `${num(run.errors)} errors, ${num(run.confirm.bookings)} made; of those placed before ` +
    `SIGCONT ${num(p.neverConfirmed)} never confirmed` +
    (p.clearedMs === null
      ? "."
      : p.clearedMs <= 0
      ? ", all confirmed before SIGCONT."
      : `, the last confirmed ${(p.clearedMs / 1000).toFixed(1)} s after SIGCONT.`),
    "",
  ];
}

/** CPU time of the platform with no traffic. */
export function idleSection(r: BenchReport): string[] {
  if (!r.idle) return [];
  return [
    "## Idle",
    "",
    `CPU time over ${r.idle.seconds.toFixed(1)} s with no traffic, once the platform was up ` +
    "and its backlog 0, from `/proc/<pid>/stat` (user + system): " +
    `**${r.idle.percent.toFixed(2)} % of one core** in all. Postgres counts its postmaster, its ` +
    "background processes (shared with whatever else uses the cluster) and the run database's " +
    `backends. Commits in the run database meanwhile: ${r.idle.commitsPerSecond.toFixed(1)}/s.`,
    "",
    "| process | processes | % of one core |",
    "| --- | --- | --- |",
    ...r.idle.byName.map((s) => `| ${s.name} | ${s.processes} | ${s.percent.toFixed(2)} |`),
    "",
  ];
}

/** Deadlocks over the whole run. */
export function deadlockSection(r: BenchReport): string[] {
  const d = r.deadlocks;
  if (!d) return [];
  return [
    "## Deadlocks",
    "",
    d.log === null
      ? "`deadlock detected` lines in the Postgres log: **unknown** (the server's log cannot be " +
        "read from here)."
      : `\`deadlock detected\` lines the Postgres log (\`${d.logPath}\`) gained during the run: ` +
        `**${num(d.log)}** (the log is the whole cluster's).`,
    `pg_stat_database.deadlocks of the run database over the run: ${num(d.database ?? NaN)}.`,
    "",
  ];
}

/** One scenario in full: latencies, figures, RSS, thresholds. */
export function scenarioSection(s: ScenarioRun): string[] {
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
    `| pending -> confirmed (every booking) | ${ms(s.confirm.latency.p50)} | ` +
    `${ms(s.confirm.latency.p95)} | ${ms(s.confirm.latency.p99)} | ` +
    `${num(s.confirm.latency.n)} |`,
    "",
  ];
  for (const f of s.figures) out.push(`- ${f.label}: ${num(f.value)}`);
  out.push(
    `- event backlog: ${num(s.lag.peak)} at most, ${num(s.lag.atLoadEnd)} when the load ended`,
    `- messages dead-lettered during the run: ${num(s.deadLettered)}`,
  );
  for (const p of s.rss) {
    out.push(
      `- ${p.name} RSS peak: ${mb(p.maxProcessBytes)} per process ` +
        `(${p.processes} process${p.processes === 1 ? "" : "es"}, ${mb(p.maxTreeBytes)} in all)`,
    );
  }
  out.push("", "Thresholds (as k6 checked them):", "");
  for (const t of s.thresholds) {
    out.push(`- ${t.ok ? "met" : "**missed**"}: \`${t.metric}\` ${t.expr}`);
  }
  return [...out, ""];
}
