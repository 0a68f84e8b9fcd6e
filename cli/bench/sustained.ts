/**
 * The sustained rate: the highest constant booking rate (tok_ok) at which every booking is
 * confirmed within the target and the event backlog is back to 0 within 5 s of the load's end.
 * Searched by probes of pipeline.js (search.ts decides the rates), for one hot property and
 * for many properties.
 */
import type { Bench } from "./context.ts";
import { RESULTS } from "./k6.ts";
import { settle } from "./lag.ts";
import { measure } from "./measure.ts";
import type { ProbeFigures } from "./search.ts";
import { judgeProbe, nextRate, SUSTAINED_LIMITS, sustainedRate } from "./search.ts";
import type { ScenarioSpec } from "./scenarios.ts";

/** One probe of the search, with its verdict. */
export interface SustainedProbe extends ProbeFigures {
  ok: boolean;
  why: string[];
  /** The event backlog when the probe started (0 unless the previous one had not drained). */
  backlogAtStart: number;
}

/** The search for one mode: its probes and the rate found (0 when no probe passed). */
export interface SustainedResult {
  mode: string;
  properties: number;
  probes: SustainedProbe[];
  rate: number;
}

/**
 * The rate found as the report says it: `56/s`, or, when no rate tried held, `below 45/s`
 * (the lowest tried, usually the search's floor), never a bare 0.
 */
export function sustainedText(
  s: Pick<SustainedResult, "rate" | "probes">,
  unit = "/s",
): string {
  if (s.rate > 0 || s.probes.length === 0) return `${s.rate.toLocaleString("en")}${unit}`;
  return `below ${Math.min(...s.probes.map((p) => p.rate)).toLocaleString("en")}${unit}`;
}

/** The two modes: every booking on one hot property, and spread over many. */
export function sustainedModes(properties: number): { mode: string; properties: number }[] {
  return [{ mode: "one hot property", properties: 1 }, {
    mode: `${properties.toLocaleString("en")} properties`,
    properties,
  }];
}

/**
 * Runs the search for one mode, from `start` bookings/s: the rate the pipeline step accepted
 * when the run took it (a start far above what the platform carries leaves a backlog of events
 * and e-mails that every later probe inherits), else 0.25 x the ceiling.
 */
export async function sustained(
  b: Bench,
  spec: ScenarioSpec,
  mode: { mode: string; properties: number },
  ceiling: number,
  start = 0.25 * ceiling,
): Promise<SustainedResult> {
  const k = b.knobs;
  const seed = `${RESULTS}/seed-sustained-${mode.properties}.json`;
  await Deno.remove(seed).catch(() => {});
  const probes: SustainedProbe[] = [];
  const opts = {
    start,
    factor: 2,
    // Not under 10/s: slower than that says nothing a single booking's timing does not.
    min: 10,
    max: 2 * ceiling,
    probes: k.probes,
    resolution: 0.1,
  };
  for (let rate = nextRate(probes, opts); rate !== null; rate = nextRate(probes, opts)) {
    const backlogAtStart = await settle(b.db, k.settleSeconds * 1000, b.say);
    const seeded = await Deno.stat(seed).then(() => true, () => false);
    b.say(`bench: sustained (${mode.mode}): probe ${probes.length + 1}, ${rate} bookings/s`);
    const run = await measure(b, spec, {
      runName: `sustained-${mode.properties}-${rate}`,
      rate,
      env: {
        RATE: rate,
        DURATION: k.probeSeconds,
        PROPERTIES: mode.properties,
        ...(seeded ? { SEED_FILE: seed } : { SEED_OUT: seed }),
      },
    });
    const figures: ProbeFigures = {
      rate,
      seconds: k.probeSeconds,
      errors: run?.errors ?? NaN,
      dropped: run?.figures.find((f) => f.label === "dropped iterations")?.value || 0,
      bookings: run?.confirm.bookings ?? 0,
      confirmP99: run?.confirm.latency.p99 ?? NaN,
      late: run?.confirm.late ?? NaN,
      drainMs: run?.lag.drainMs ?? null,
    };
    const verdict = run
      ? judgeProbe(figures, SUSTAINED_LIMITS)
      : { ok: false, why: ["no summary"] };
    probes.push({ ...figures, ...verdict, backlogAtStart });
    b.say(
      `bench: sustained (${mode.mode}): ${rate}/s ${verdict.ok ? "held" : "missed"}` +
        (verdict.why.length ? ` (${verdict.why.join(", ")})` : ""),
    );
  }
  return { ...mode, probes, rate: sustainedRate(probes) };
}
