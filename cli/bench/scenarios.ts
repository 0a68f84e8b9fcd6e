/** The k6 scenarios `./berth bench` runs, and how their summaries are read. */

/** What a scenario is and which of its metrics the report shows. */
export interface ScenarioSpec {
  name: string;
  /** The k6 script under loadtests/. */
  script: string;
  /** One line for the report. */
  what: string;
  /** The counter whose rate is the scenario's throughput, and its unit. */
  count: string;
  unit: string;
  /** Trends shown with p50/p95/p99, by label; the first one is the headline. */
  latencies: [label: string, metric: string][];
  /** Gauges and counters worth a line (label, metric, value key). */
  figures: [label: string, metric: string, key: string][];
  /** Rough wall time, for the progress line. */
  expectSeconds: number;
}

/**
 * Every k6 scenario, in the order a full run takes them: the pipeline first, on a drained
 * system, and booking-steady last, since its event backlog takes minutes to drain. The
 * sustained search runs pipeline.js too (see sustained.ts).
 */
export const SCENARIOS: ScenarioSpec[] = [
  {
    name: "pipeline",
    script: "pipeline.js",
    what: "bookings with tok_ok at a share of the ceiling; pending -> confirmed of every " +
      "booking from reservation_history; the event backlog after",
    count: "bookings_created",
    unit: "bookings/s",
    latencies: [
      ["POST /v1/reservations", "booking_ms"],
      ["pending -> confirmed, polled sample (SAMPLE > 0)", "confirm_ms"],
    ],
    figures: [["dropped iterations", "dropped_iterations", "count"]],
    expectSeconds: 40,
  },
  {
    name: "flash-sale",
    script: "flash-sale.js",
    what: "ATTEMPTS (20,000) attempts as fast as possible on one show with SEATS (1,000) seats",
    count: "attempts",
    unit: "attempts/s",
    latencies: [["sold-out answers (409)", "sold_out_ms"], ["bookings (201)", "booking_ms"]],
    figures: [
      ["bookings created", "bookings_created", "count"],
      ["sold-out answers", "sold_out_answers", "count"],
      ["seats held or sold (GET /v1/availability)", "seats_sold", "value"],
      ["seats still free (GET /v1/availability)", "seats_unsold", "value"],
    ],
    expectSeconds: 60,
  },
  {
    name: "mixed",
    script: "mixed.js",
    what: "READS (600) availability reads/s + BOOKINGS (200) bookings/s, 15 % cancelled and " +
      "15 % modified, DURATION (60) s",
    count: "operations",
    unit: "requests/s",
    latencies: [
      ["GET /v1/availability", "availability_ms"],
      ["POST /v1/reservations", "booking_ms"],
    ],
    figures: [
      ["bookings", "bookings_created", "count"],
      ["cancellations", "cancellations", "count"],
      ["modifications", "modifications", "count"],
    ],
    expectSeconds: 65,
  },
  {
    name: "pause",
    script: "pipeline.js",
    what: "steady bookings; PAUSE_AT s in, one workers process is stopped (SIGSTOP) for " +
      "PAUSE_FOR s, then continued (SIGCONT)",
    count: "bookings_created",
    unit: "bookings/s",
    latencies: [["POST /v1/reservations", "booking_ms"]],
    figures: [["dropped iterations", "dropped_iterations", "count"]],
    expectSeconds: 70,
  },
  {
    name: "booking-steady",
    script: "booking-steady.js",
    what: "POST /v1/reservations at the ceiling's rate over 1,000 (resource, date) keys",
    count: "bookings_created",
    unit: "bookings/s",
    latencies: [["POST /v1/reservations", "booking_ms"]],
    figures: [["dropped iterations", "dropped_iterations", "count"]],
    expectSeconds: 65,
  },
];

/** The part of k6's summary JSON the report reads. */
export interface K6Summary {
  state: { testRunDurationMs: number };
  metrics: Record<string, {
    type: string;
    values: Record<string, number>;
    thresholds?: Record<string, { ok: boolean }>;
  }>;
}

/** A scenario's figures, as the report shows them. */
export interface ScenarioResult {
  name: string;
  exitCode: number;
  /** When the load stopped (epoch ms, from the script's teardown), NaN if not reported. */
  loadEndedAt: number;
  seconds: number;
  count: number;
  throughput: number;
  unit: string;
  latencies: { label: string; p50: number; p95: number; p99: number; n: number }[];
  requests: number;
  errors: number;
  figures: { label: string; value: number }[];
  thresholds: { metric: string; expr: string; ok: boolean }[];
}

const value = (s: K6Summary, metric: string, key: string) => s.metrics[metric]?.values[key] ?? NaN;

/** Reads a scenario's figures out of its k6 summary; `name` names the run (spec.name). */
export function readSummary(
  spec: ScenarioSpec,
  s: K6Summary,
  exitCode: number,
  name = spec.name,
): ScenarioResult {
  const seconds = value(s, "scenario_seconds", "value") ||
    s.state.testRunDurationMs / 1000;
  const count = value(s, spec.count, "count");
  let errors = 0;
  for (const [name, m] of Object.entries(s.metrics)) {
    // Only the scenarios' own requests: setup and verification requests are not the load.
    if (name.startsWith("http_req_failed{scenario:")) errors += m.values.passes ?? 0;
  }
  return {
    name,
    exitCode,
    loadEndedAt: value(s, "load_ended_at", "value"),
    seconds,
    count,
    throughput: count / seconds,
    unit: spec.unit,
    latencies: spec.latencies.map(([label, metric]) => {
      const n = value(s, metric, "count");
      // k6 reports 0 for the percentiles of an empty trend: show nothing instead.
      const at = (k: string) => (n > 0 ? value(s, metric, k) : NaN);
      return { label, p50: at("med"), p95: at("p(95)"), p99: at("p(99)"), n };
    }),
    requests: value(s, "http_reqs", "count"),
    errors,
    figures: spec.figures.map(([label, metric, key]) => ({ label, value: value(s, metric, key) })),
    thresholds: thresholds(s),
  };
}

/** Every threshold; per-seat ones (`seat_holders{seat:A1}`) folded into one line. */
function thresholds(s: K6Summary): ScenarioResult["thresholds"] {
  const out: ScenarioResult["thresholds"] = [];
  const perSeat = { n: 0, failed: 0, expr: "" };
  for (const [metric, m] of Object.entries(s.metrics)) {
    for (const [expr, t] of Object.entries(m.thresholds ?? {})) {
      if (!metric.startsWith("seat_holders{seat:")) {
        out.push({ metric, expr, ok: t.ok });
        continue;
      }
      perSeat.n++;
      perSeat.expr = expr;
      if (!t.ok) perSeat.failed++;
    }
  }
  if (perSeat.n) {
    out.push({
      metric: `seat_holders{seat:*} (${perSeat.n} seats, ${perSeat.failed} with two holders)`,
      expr: perSeat.expr,
      ok: perSeat.failed === 0,
    });
  }
  return out;
}
