// booking-steady: a constant arrival rate of POST /v1/reservations spread over 1,000
// (resource, date) keys with ample inventory. Thresholds: every arrival booked (RATE, nothing
// dropped), p99 <= 50 ms, 0 errors. `./berth bench` passes the pgbench ceiling as RATE (target:
// 1.0 x the ceiling), then runs it again at 0.8 x the rate reached (target: p99 <= 50 ms).
//   k6 run -e BERTH_URL=http://127.0.0.1:8080 -e BERTH_ADMIN_KEY=... loadtests/booking-steady.js
// Knobs: RATE (bookings/s, 3000), DURATION (s, 60), RESOURCES (50) x DATES (20) = keys.
import { check } from "k6";
import { Counter, Gauge, Trend } from "k6/metrics";
import {
  book,
  bookingBody,
  clientKey,
  envNumber,
  isoDay,
  markLoadEnd,
  seedProperty,
  seedResources,
  summary,
  TREND_STATS,
  uid,
} from "./lib/berth.js";

const RATE = envNumber("RATE", 3000);
const DURATION = envNumber("DURATION", 60);
const RESOURCES = envNumber("RESOURCES", 50);
const DATES = envNumber("DATES", 20);
const P99_MS = envNumber("P99_MS", 50);

const created = new Counter("bookings_created");
const bookingMs = new Trend("booking_ms", true);
const scenarioSeconds = new Gauge("scenario_seconds");

export const options = {
  summaryTrendStats: TREND_STATS,
  scenarios: {
    bookings: {
      executor: "constant-arrival-rate",
      rate: RATE,
      timeUnit: "1s",
      duration: `${DURATION}s`,
      preAllocatedVUs: Math.min(400, Math.ceil(RATE / 15)),
      maxVUs: Math.max(400, Math.ceil(RATE / 5)),
    },
  },
  thresholds: {
    // Every arrival became a booking inside the window: nothing dropped, nothing failed.
    bookings_created: [`count>=${Math.floor(RATE * DURATION * 0.995)}`],
    dropped_iterations: [`count<=${Math.ceil(RATE * DURATION * 0.005)}`],
    "http_req_failed{scenario:bookings}": ["rate==0"],
    "http_req_duration{scenario:bookings}": [`p(99)<=${P99_MS}`],
    checks: ["rate==1"],
  },
};

export function setup() {
  const run = uid().slice(0, 8);
  const from = isoDay(30);
  const to = isoDay(30 + DATES);
  const propertyId = seedProperty(`k6 booking-steady ${run}`);
  // Ample: every key can take the whole run on its own.
  const total = Math.max(1000, Math.ceil((RATE * DURATION) / (RESOURCES * DATES)) * 4);
  const resources = seedResources(propertyId, {
    kind: "unit",
    count: RESOURCES,
    prefix: "car",
    from,
    to,
    total,
    price: 4900,
  });
  return {
    propertyId,
    resources,
    from,
    key: clientKey(`k6 booking-steady ${run}`),
    t0: Date.now(),
  };
}

export default function (data) {
  const r = data.resources[Math.floor(Math.random() * data.resources.length)];
  const d = Math.floor(Math.random() * DATES);
  const item = { resourceId: r, from: isoDay(d, new Date(data.from)), quantity: 1 };
  item.to = isoDay(d + 1, new Date(data.from));
  const res = book(data.key, bookingBody(data.propertyId, `u-${__VU}-${__ITER % 500}`, item));
  const ok = check(res, {
    "201 pending": (r) => r.status === 201 && r.json("status") === "pending",
  });
  bookingMs.add(res.timings.duration);
  if (ok) created.add(1);
}

export function teardown(data) {
  markLoadEnd();
  scenarioSeconds.add((Date.now() - data.t0) / 1000);
}

export function handleSummary(data) {
  return summary("booking-steady", data);
}
