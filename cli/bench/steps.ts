/** The steps of a bench run, one after another, each adding its figures to the report. */
import type { Bench } from "./context.ts";
import { idleStep } from "./idle.ts";
import { settle } from "./lag.ts";
import type { MeasureOptions, ScenarioRun } from "./measure.ts";
import { measure } from "./measure.ts";
import { pauseScenario } from "./pause.ts";
import { relayStep } from "./relay.ts";
import { FIFTY_PER_TRANSACTION, ONE_PER_TRANSACTION, pgbenchCeilings } from "./pgbench.ts";
import type { Plan } from "./knobs.ts";
import type { BenchReport } from "./report.ts";
import { SCENARIOS } from "./scenarios.ts";
import { sustained, sustainedModes } from "./sustained.ts";
import { ms, num, ratio } from "./format.ts";

const spec = (name: string) => SCENARIOS.find((s) => s.name === name)!;

/** The progress line: step, elapsed of expected seconds. */
function progress(b: Bench, name: string, expect: number) {
  const tty = Deno.stderr.isTerminal();
  let last = 0;
  return (elapsed: number) => {
    const line = `bench: ${name}  ${Math.round(elapsed)} s of ~${expect} s`;
    if (tty) Deno.stderr.writeSync(new TextEncoder().encode(`\r${line}   `));
    else if (elapsed - last >= 15) {
      last = elapsed;
      b.say(line);
    }
  };
}

/** One line per finished run. */
function tell(b: Bench, s: ScenarioRun) {
  if (Deno.stderr.isTerminal()) b.say("");
  const l = s.latencies[0];
  const c = s.confirm;
  const per = s.perBooking;
  const each = (v: number) => per?.bookings ? (v / per.bookings).toFixed(2) : "–";
  const missed = s.thresholds.filter((t) => !t.ok);
  b.say(
    `bench: ${s.name}: ${num(s.throughput)} ${s.unit}, p99 ${ms(l.p99)}, ${s.errors} errors; ` +
      `confirmed p99 ${ms(c.latency.p99)}, ${c.late} of ${c.bookings} not within 5 s; ` +
      (per ? `${each(per.events)} events and ${each(per.commits)} commits a booking; ` : "") +
      `backlog 0 after ${s.lag.drainMs === null ? "–" : ms(s.lag.drainMs)}` +
      (s.deadLettered ? `; ${s.deadLettered} dead-lettered` : "") +
      (missed.length
        ? `; k6 missed: ${missed.map((t) => `${t.metric} ${t.expr}`).join(", ")}`
        : ""),
  );
}

/** Settles, runs one k6 scenario with measurements, records it (or a note when it failed). */
async function scenario(
  b: Bench,
  report: BenchReport,
  name: string,
  o: MeasureOptions,
): Promise<ScenarioRun | null> {
  const s = spec(name);
  const runName = o.runName ?? name;
  const left = await settle(b.db, b.knobs.settleSeconds * 1000, b.say);
  if (left) b.notes.push(`before ${runName}: event backlog still ${left}`);
  const seconds = o.env?.DURATION;
  b.say(
    `bench: ${runName}: ${s.what}` +
      (o.rate ? `; ${num(o.rate)} bookings/s` : "") + (seconds ? ` for ${seconds} s` : ""),
  );
  const run = await measure(b, s, {
    perBooking: true,
    onTick: progress(b, runName, seconds ? Number(seconds) + 5 : s.expectSeconds),
    ...o,
  });
  if (!run) {
    b.notes.push(`${runName} produced no summary; see .data/logs/k6-${runName}.log`);
    return null;
  }
  report.scenarios.push(run);
  tell(b, run);
  return run;
}

async function ceilings(b: Bench, plan: Plan, report: BenchReport) {
  const measured = plan.steps.includes("pgbench") || b.knobs.ceiling === null;
  if (!measured) {
    report.ceilingGiven = b.knobs.ceiling;
    b.ceiling = b.knobs.ceiling;
    return;
  }
  const specs = plan.batchCeiling
    ? [ONE_PER_TRANSACTION, FIFTY_PER_TRANSACTION]
    : [ONE_PER_TRANSACTION];
  report.ceilings = await pgbenchCeilings(b.platform.databaseUrl, specs, {
    seconds: b.knobs.pgbenchSeconds,
    say: b.say,
  });
  b.ceiling = report.ceilings[0].rate;
  for (const c of report.ceilings) {
    b.say(`bench: pgbench ceiling, ${c.perTransaction} a transaction: ${num(c.rate)} bookings/s`);
  }
}

/** Runs the plan's steps in order. */
export async function runSteps(
  b: Bench,
  plan: Plan,
  report: BenchReport,
  natsPid: number | undefined,
): Promise<void> {
  const k = b.knobs;
  if (plan.steps.includes("idle")) {
    report.idle = await idleStep(b, natsPid);
    b.say(`bench: idle: ${report.idle.percent.toFixed(2)} % of one core in all`);
  }
  if (plan.ceiling) await ceilings(b, plan, report);
  const share = (x: number) => Math.max(1, Math.round(x * (b.ceiling ?? 0)));
  for (const step of plan.steps) {
    if (step === "relay") {
      const r = await relayStep(b.platform.databaseUrl, b.say);
      report.relay = r;
      b.say(
        `bench: relay: ${num(r.relayRate)} events/s; nats bench ${num(r.natsRate)} msgs/s ` +
          `(${ratio(r.relayRate / r.natsRate)} x)`,
      );
    } else if (step === "pipeline") {
      const rate = share(k.pipelineShare);
      await scenario(b, report, step, { rate, env: { RATE: rate, DURATION: k.pipelineSeconds } });
    } else if (step === "flash-sale" || step === "mixed") {
      await scenario(b, report, step, {});
    } else if (step === "pause") {
      const left = await settle(b.db, k.settleSeconds * 1000, b.say);
      if (left) b.notes.push(`before pause: event backlog still ${left}`);
      const rate = share(k.pauseShare);
      b.say(
        `bench: pause: ${num(rate)} bookings/s for ${k.pauseSeconds} s; ${k.pauseAt} s in, ` +
          `one workers process is stopped for ${k.pauseFor} s`,
      );
      const p = await pauseScenario(b, spec("pause"), rate, progress(b, "pause", k.pauseSeconds));
      if (p) {
        const { run, ...rest } = p;
        report.scenarios.push(run);
        report.pause = rest;
        tell(b, run);
      } else if (!b.notes.some((n) => n.startsWith("pause:"))) {
        b.notes.push("pause produced no summary; see .data/logs/k6-pause.log");
      }
    } else if (step === "sustained") {
      for (const mode of sustainedModes(k.properties)) {
        const pipeline = report.scenarios.find((s) => s.name === "pipeline");
        const start = pipeline ? Math.min(pipeline.throughput, 0.25 * b.ceiling!) : undefined;
        const s = await sustained(b, spec("pipeline"), mode, b.ceiling!, start);
        report.sustained.push(s);
        b.say(`bench: sustained, ${s.mode}: ${num(s.rate)} bookings/s`);
      }
    } else if (step === "booking-steady") {
      const rate = share(1);
      const first = await scenario(b, report, step, {
        rate,
        env: { RATE: rate, DURATION: k.steadySeconds },
      });
      if (!first) continue;
      const again = Math.max(1, Math.round(0.8 * first.throughput));
      await scenario(b, report, step, {
        runName: "booking-steady-80",
        rate: again,
        env: { RATE: again, DURATION: k.steadySeconds },
      });
    }
  }
}
