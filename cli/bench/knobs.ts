/** The knobs of `./berth bench` (environment variables) and which steps a run takes. */

/** Everything a bench run can be told through the environment. */
export interface Knobs {
  /** BENCH_CEILING: use this one-per-transaction ceiling (bookings/s) instead of pgbench's. */
  ceiling: number | null;
  /** PGBENCH_SECONDS: each pgbench run (10). */
  pgbenchSeconds: number;
  /** IDLE_SECONDS: the quiet interval whose CPU time is measured (20). */
  idleSeconds: number;
  /** BENCH_SETTLE_SECONDS: the longest wait for the event backlog before a step (180). */
  settleSeconds: number;
  /** BENCH_LAG_WATCH_SECONDS: how long after a load the backlog is watched for 0 (60). */
  lagWatchSeconds: number;
  /** BENCH_STATS_WAIT_MS: wait for Postgres to flush commit counts before reading them (11000). */
  statsWaitMs: number;
  /** PIPELINE_SECONDS (30) and PIPELINE_SHARE of the ceiling (0.25). */
  pipelineSeconds: number;
  pipelineShare: number;
  /** PAUSE_SECONDS of load (60), PAUSE_AT s into it (10), PAUSE_FOR s (30), PAUSE_SHARE (0.25). */
  pauseSeconds: number;
  pauseAt: number;
  pauseFor: number;
  pauseShare: number;
  /** SUSTAINED_PROBE_SECONDS (60), SUSTAINED_PROBES per mode (8), SUSTAINED_PROPERTIES (1000). */
  probeSeconds: number;
  probes: number;
  properties: number;
  /** STEADY_SECONDS: each booking-steady run (60). */
  steadySeconds: number;
}

const DEFAULTS: Record<string, number> = {
  PGBENCH_SECONDS: 10,
  IDLE_SECONDS: 20,
  BENCH_SETTLE_SECONDS: 180,
  BENCH_LAG_WATCH_SECONDS: 60,
  BENCH_STATS_WAIT_MS: 11_000,
  PIPELINE_SECONDS: 30,
  PIPELINE_SHARE: 0.25,
  PAUSE_SECONDS: 60,
  PAUSE_AT: 10,
  PAUSE_FOR: 30,
  PAUSE_SHARE: 0.25,
  SUSTAINED_PROBE_SECONDS: 60,
  SUSTAINED_PROBES: 8,
  SUSTAINED_PROPERTIES: 1000,
  STEADY_SECONDS: 60,
};

/**
 * The k6 scripts' own knobs: k6 passes the environment on to them, so they reach every script
 * the bench does not set them for (see loadtests/README.md).
 */
export const SCRIPT_KNOBS = [
  "RATE",
  "DURATION",
  "RESOURCES",
  "DATES",
  "P99_MS",
  "ATTEMPTS",
  "SEATS",
  "VUS",
  "SOLD_OUT_P99_MS",
  "READS",
  "BOOKINGS",
  "CANCEL",
  "MODIFY",
  "SAMPLE",
  "POLL_MS",
  "CONFIRM_P99_MS",
  "LAG_DRAIN_MS",
];

/** The knobs set in `env`, as `NAME=value` (for the report's command line). */
export function knobsSet(env: Record<string, string | undefined>): string[] {
  return [...Object.keys(DEFAULTS), "BENCH_CEILING", "BENCH_OUT", ...SCRIPT_KNOBS]
    .filter((n) => env[n])
    .map((n) => `${n}=${env[n]}`);
}

/** Reads the knobs; a value that is not a positive number stops the run with its name. */
export function readKnobs(env: Record<string, string | undefined>): Knobs {
  const n = (name: string): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return DEFAULTS[name];
    const v = Number(raw);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`bench: ${name} must be a positive number`);
    return v;
  };
  const given = env.BENCH_CEILING;
  const k: Knobs = {
    ceiling: given ? positive("BENCH_CEILING", given) : null,
    pgbenchSeconds: n("PGBENCH_SECONDS"),
    idleSeconds: n("IDLE_SECONDS"),
    settleSeconds: n("BENCH_SETTLE_SECONDS"),
    lagWatchSeconds: n("BENCH_LAG_WATCH_SECONDS"),
    statsWaitMs: n("BENCH_STATS_WAIT_MS"),
    pipelineSeconds: n("PIPELINE_SECONDS"),
    pipelineShare: n("PIPELINE_SHARE"),
    pauseSeconds: n("PAUSE_SECONDS"),
    pauseAt: n("PAUSE_AT"),
    pauseFor: n("PAUSE_FOR"),
    pauseShare: n("PAUSE_SHARE"),
    probeSeconds: n("SUSTAINED_PROBE_SECONDS"),
    probes: Math.round(n("SUSTAINED_PROBES")),
    properties: Math.round(n("SUSTAINED_PROPERTIES")),
    steadySeconds: n("STEADY_SECONDS"),
  };
  if (k.pauseAt + k.pauseFor >= k.pauseSeconds) {
    throw new Error("bench: PAUSE_AT + PAUSE_FOR must be less than PAUSE_SECONDS");
  }
  return k;
}

function positive(name: string, raw: string): number {
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`bench: ${name} must be a positive number`);
  return v;
}

/** Every step of a full run, in order: idle first (on a fresh platform), booking-steady last. */
export const STEPS = [
  "idle",
  "pgbench",
  "relay",
  "pipeline",
  "flash-sale",
  "mixed",
  "pause",
  "sustained",
  "booking-steady",
] as const;

/** One step of a run. */
export type Step = typeof STEPS[number];

/** Steps whose rates are shares of the one-per-transaction ceiling. */
const NEEDS_CEILING: Step[] = ["pipeline", "pause", "sustained", "booking-steady"];

/** What a run does: its steps in order, and whether it needs the ceiling and the batch one. */
export interface Plan {
  steps: Step[];
  full: boolean;
  /** Measure the one-per-transaction ceiling (unless BENCH_CEILING gives it). */
  ceiling: boolean;
  /** Measure the 50-per-transaction ceiling too. */
  batchCeiling: boolean;
}

/** The plan for `./berth bench [names]`; throws on an unknown name. */
export function plan(names: string[]): Plan {
  const unknown = names.filter((n) => !(STEPS as readonly string[]).includes(n));
  if (unknown.length) {
    throw new Error(`unknown scenario ${unknown.join(", ")}; one of ${STEPS.join(", ")}`);
  }
  const full = names.length === 0;
  const steps = STEPS.filter((s) => full || names.includes(s));
  return {
    steps,
    full,
    ceiling: steps.some((s) => s === "pgbench" || NEEDS_CEILING.includes(s)),
    batchCeiling: steps.includes("pgbench"),
  };
}
