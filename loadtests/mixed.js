// mixed: what a busy day looks like. Availability reads, bookings, and of the bookings some are
// cancelled and some modified (moved by a day) right after. Target: 0 errors.
//   k6 run -e BERTH_URL=http://127.0.0.1:8080 -e BERTH_ADMIN_KEY=... loadtests/mixed.js
// Knobs: READS (/s, 600), BOOKINGS (/s, 200), CANCEL (share, 0.15), MODIFY (share, 0.15),
// DURATION (s, 60).
import http from "k6/http";
import { check } from "k6";
import { Counter, Gauge, Trend } from "k6/metrics";
import {
  BASE,
  book,
  bookingBody,
  clientKey,
  envNumber,
  isoDay,
  markLoadEnd,
  params,
  seedProperty,
  seedResources,
  summary,
  TREND_STATS,
  uid,
} from "./lib/berth.js";
import { modify } from "./lib/modify.js";

const READS = envNumber("READS", 600);
const BOOKINGS = envNumber("BOOKINGS", 200);
const CANCEL = envNumber("CANCEL", 0.15);
const MODIFY = envNumber("MODIFY", 0.15);
const DURATION = envNumber("DURATION", 60);
const DATES = 30;

const operations = new Counter("operations");
const created = new Counter("bookings_created");
const cancelled = new Counter("cancellations");
const modified = new Counter("modifications");
const reads = new Counter("availability_reads");
const bookingMs = new Trend("booking_ms", true);
const readMs = new Trend("availability_ms", true);
const scenarioSeconds = new Gauge("scenario_seconds");

const arrival = (rate, exec) => ({
  executor: "constant-arrival-rate",
  exec,
  rate,
  timeUnit: "1s",
  duration: `${DURATION}s`,
  preAllocatedVUs: Math.max(10, Math.ceil(rate / 10)),
  maxVUs: Math.max(50, rate),
});

export const options = {
  summaryTrendStats: TREND_STATS,
  scenarios: { reads: arrival(READS, "read"), bookings: arrival(BOOKINGS, "bookAndChange") },
  thresholds: {
    "http_req_failed{scenario:reads}": ["rate==0"],
    "http_req_failed{scenario:bookings}": ["rate==0"],
    checks: ["rate==1"],
  },
};

export function setup() {
  const run = uid().slice(0, 8);
  const from = isoDay(90);
  const propertyId = seedProperty(`k6 mixed ${run}`);
  const rooms = seedResources(propertyId, {
    kind: "room",
    count: 40,
    prefix: "room",
    from,
    to: isoDay(90 + DATES + 1),
    total: 100_000,
    price: 15000,
  });
  return { propertyId, rooms, from, key: clientKey(`k6 mixed ${run}`), t0: Date.now() };
}

const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];

/** One availability read of a week for a random room. */
export function read(data) {
  const d = Math.floor(Math.random() * (DATES - 7));
  const base = new Date(data.from);
  const q = `propertyId=${data.propertyId}&resourceId=${pick(data.rooms)}` +
    `&from=${isoDay(d, base)}&to=${isoDay(d + 7, base)}`;
  const res = http.get(
    `${BASE}/v1/availability?${q}`,
    params(data.key, { tags: { name: "GET /v1/availability" } }),
  );
  operations.add(1);
  readMs.add(res.timings.duration);
  if (check(res, { "availability 200": (r) => r.status === 200 })) reads.add(1);
}

/** A booking of 1-3 nights; then maybe a cancellation or a modification of it. */
export function bookAndChange(data) {
  const d = Math.floor(Math.random() * (DATES - 4));
  const nights = 1 + Math.floor(Math.random() * 3);
  const base = new Date(data.from);
  const item = {
    resourceId: pick(data.rooms),
    from: isoDay(d, base),
    to: isoDay(d + nights, base),
    quantity: 1,
  };
  const res = book(data.key, bookingBody(data.propertyId, `m-${__VU}`, item));
  operations.add(1);
  bookingMs.add(res.timings.duration);
  if (!check(res, { "booking 201": (r) => r.status === 201 })) return;
  created.add(1);
  const id = res.json("id");
  const roll = Math.random();
  if (roll < CANCEL) {
    const c = http.post(
      `${BASE}/v1/reservations/${id}/cancel`,
      "{}",
      params(data.key, { tags: { name: "POST /v1/reservations/:id/cancel" } }),
    );
    operations.add(1);
    if (check(c, { "cancel 200": (r) => r.status === 200 })) cancelled.add(1);
  } else if (roll < CANCEL + MODIFY) {
    const moved = { ...item, from: isoDay(d + 1, base), to: isoDay(d + 1 + nights, base) };
    const m = modify(data.key, id, moved);
    operations.add(1);
    // 202 when the move costs more: it waits for the difference to be authorized.
    const accepted = (r) => r.status === 200 || r.status === 202;
    if (check(m, { "modify 200/202": accepted })) modified.add(1);
  }
}

export function teardown(data) {
  markLoadEnd();
  scenarioSeconds.add((Date.now() - data.t0) / 1000);
}

export function handleSummary(data) {
  return summary("mixed", data);
}
