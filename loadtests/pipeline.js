// pipeline: bookings at a steady rate with a `tok_ok` payment token; for a sample of them the
// time from `201 pending` to `confirmed` (polling GET /v1/reservations/:id), and after the run
// how long the consumer lag reported by /metrics takes to get back to 0.
// Targets at 1,000 bookings/s: pending -> confirmed p99 <= 250 ms; lag 0 within 5 s.
//   k6 run -e BERTH_URL=http://127.0.0.1:8080 -e BERTH_ADMIN_KEY=... loadtests/pipeline.js
// Knobs: RATE (1000), DURATION (s, 30), SAMPLE (poll 1 booking in N, 5), POLL_MS (20).
import http from "k6/http";
import { check, sleep } from "k6";
import { Counter, Gauge, Trend } from "k6/metrics";
import {
  BASE,
  book,
  bookingBody,
  clientKey,
  envNumber,
  isoDay,
  params,
  seedProperty,
  seedResources,
  summary,
  TREND_STATS,
  uid,
} from "./lib/berth.js";
import { consumerLag } from "./lib/lag.js";

const RATE = envNumber("RATE", 1000);
const DURATION = envNumber("DURATION", 30);
const SAMPLE = envNumber("SAMPLE", 5);
const POLL_MS = envNumber("POLL_MS", 20);
const CONFIRM_P99_MS = envNumber("CONFIRM_P99_MS", 250);
const LAG_DRAIN_MS = envNumber("LAG_DRAIN_MS", 5000);

const created = new Counter("bookings_created");
const confirmMs = new Trend("confirm_ms", true);
const bookingMs = new Trend("booking_ms", true);
const unconfirmed = new Counter("unconfirmed");
const lagDrainMs = new Gauge("lag_drain_ms");
const lagAtEnd = new Gauge("lag_at_load_end");
const scenarioSeconds = new Gauge("scenario_seconds");

export const options = {
  summaryTrendStats: TREND_STATS,
  teardownTimeout: "60s",
  scenarios: {
    bookings: {
      executor: "constant-arrival-rate",
      rate: RATE,
      timeUnit: "1s",
      duration: `${DURATION}s`,
      preAllocatedVUs: Math.ceil(RATE / 5),
      maxVUs: Math.ceil(RATE / 2),
    },
  },
  thresholds: {
    // An empty trend passes any percentile threshold: `unconfirmed` catches "none confirmed".
    confirm_ms: [`p(99)<=${CONFIRM_P99_MS}`],
    unconfirmed: ["count==0"],
    lag_drain_ms: [`value<=${LAG_DRAIN_MS}`],
    "http_req_failed{scenario:bookings}": ["rate==0"],
    checks: ["rate==1"],
  },
};

export function setup() {
  const run = uid().slice(0, 8);
  const from = isoDay(60);
  const propertyId = seedProperty(`k6 pipeline ${run}`);
  const resources = seedResources(propertyId, {
    kind: "room",
    count: 50,
    prefix: "room",
    from,
    to: isoDay(80),
    total: Math.max(1000, Math.ceil((RATE * DURATION) / 1000) * 4),
    price: 12000,
  });
  return { propertyId, resources, from, key: clientKey(`k6 pipeline ${run}`), t0: Date.now() };
}

function waitConfirmed(key, id) {
  const start = Date.now();
  const p = params(key, { tags: { name: "GET /v1/reservations/:id" } });
  while (Date.now() - start < 5000) {
    sleep(POLL_MS / 1000);
    const res = http.get(`${BASE}/v1/reservations/${id}`, p);
    const status = res.status === 200 ? res.json("status") : null;
    if (status === "confirmed") return Date.now() - start;
    if (status && status !== "pending") return -1;
  }
  return -1;
}

export default function (data) {
  const r = data.resources[Math.floor(Math.random() * data.resources.length)];
  const d = Math.floor(Math.random() * 20);
  const base = new Date(data.from);
  const item = { resourceId: r, from: isoDay(d, base), to: isoDay(d + 1, base), quantity: 1 };
  const res = book(data.key, bookingBody(data.propertyId, `p-${__VU}`, item, `tok_ok_${uid()}`));
  bookingMs.add(res.timings.duration);
  if (!check(res, { "201 pending": (r) => r.status === 201 })) return;
  created.add(1);
  if (Math.random() * SAMPLE >= 1) return;
  const ms = waitConfirmed(data.key, res.json("id"));
  if (ms < 0) unconfirmed.add(1);
  else confirmMs.add(ms);
}

export function teardown(data) {
  const loadEnd = data.t0 + DURATION * 1000;
  scenarioSeconds.add(DURATION);
  const first = consumerLag(BASE, data.key);
  lagAtEnd.add(first.lag);
  let drained = first.lag === 0 ? Date.now() : 0;
  while (!drained && Date.now() - loadEnd < 30_000) {
    sleep(0.1);
    if (consumerLag(BASE, data.key).lag === 0) drained = Date.now();
  }
  lagDrainMs.add(drained ? Math.max(0, drained - loadEnd) : 999_999);
  check(first, { "/metrics reports consumer lag": (l) => l.found });
}

export function handleSummary(data) {
  return summary("pipeline", data);
}
