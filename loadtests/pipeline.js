// pipeline: bookings at a constant rate with a `tok_ok` payment token, for `./berth bench` to
// read pending -> confirmed for every one of them from reservation_history, and the event
// backlog's drain after the load (pipeline, pause and sustained all run this script).
// Optionally polls a sample itself (SAMPLE > 0) and waits for /metrics lag (LAG_DRAIN_MS > 0),
// for runs against a berth whose database the runner cannot read.
//   k6 run -e BERTH_URL=http://127.0.0.1:8080 -e BERTH_ADMIN_KEY=... loadtests/pipeline.js
// Knobs: RATE (1000), DURATION (s, 30), PROPERTIES (1: one hot property with 50 rooms; N > 1:
// N properties of one room each), BOOKING_P99_MS (a threshold on POST /v1/reservations when
// set), SAMPLE (poll 1 booking in N; 0 = off), POLL_MS (20), CONFIRM_P99_MS (250),
// LAG_DRAIN_MS (0 = off), SEED_FILE (reuse a seed), SEED_OUT (write this run's seed there).
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
  markLoadEnd,
  params,
  seedProperty,
  seedResources,
  summary,
  TREND_STATS,
  uid,
} from "./lib/berth.js";
import { seedProperties } from "./lib/seed.js";
import { consumerLag } from "./lib/lag.js";

const RATE = envNumber("RATE", 1000);
const DURATION = envNumber("DURATION", 30);
const PROPERTIES = envNumber("PROPERTIES", 1);
const SAMPLE = envNumber("SAMPLE", 0);
const POLL_MS = envNumber("POLL_MS", 20);
const CONFIRM_P99_MS = envNumber("CONFIRM_P99_MS", 250);
const LAG_DRAIN_MS = envNumber("LAG_DRAIN_MS", 0);
const BOOKING_P99_MS = envNumber("BOOKING_P99_MS", 0);
const DATES = 20;
const SEED = __ENV.SEED_FILE ? JSON.parse(open(__ENV.SEED_FILE)) : null;

const created = new Counter("bookings_created");
const confirmMs = new Trend("confirm_ms", true);
const bookingMs = new Trend("booking_ms", true);
const unconfirmed = new Counter("unconfirmed");
const lagDrainMs = new Gauge("lag_drain_ms");
const lagAtEnd = new Gauge("lag_at_load_end");
const scenarioSeconds = new Gauge("scenario_seconds");

const thresholds = {
  "http_req_failed{scenario:bookings}": ["rate==0"],
  checks: ["rate==1"],
};
if (BOOKING_P99_MS > 0) thresholds.booking_ms = [`p(99)<=${BOOKING_P99_MS}`];
if (SAMPLE > 0) {
  // An empty trend passes any percentile threshold: `unconfirmed` catches "none confirmed".
  thresholds.confirm_ms = [`p(99)<=${CONFIRM_P99_MS}`];
  thresholds.unconfirmed = ["count==0"];
}
if (LAG_DRAIN_MS > 0) thresholds.lag_drain_ms = [`value<=${LAG_DRAIN_MS}`];

export const options = {
  summaryTrendStats: TREND_STATS,
  setupTimeout: "300s",
  teardownTimeout: "60s",
  scenarios: {
    bookings: {
      executor: "constant-arrival-rate",
      rate: RATE,
      timeUnit: "1s",
      duration: `${DURATION}s`,
      preAllocatedVUs: Math.max(50, Math.ceil(RATE / 5)),
      maxVUs: Math.max(200, Math.ceil(RATE / 2)),
    },
  },
  thresholds,
};

/** Where bookings go: `targets` of (property, room), `DATES` nights from `from`. */
function seed() {
  const run = uid().slice(0, 8);
  const from = isoDay(60);
  const to = isoDay(60 + DATES);
  const inventory = { kind: "room", from, to, total: 1_000_000, price: 12000 };
  let targets;
  if (PROPERTIES > 1) {
    targets = seedProperties(PROPERTIES, { prefix: `k6 pipeline ${run}`, ...inventory });
  } else {
    const propertyId = seedProperty(`k6 pipeline ${run}`);
    const rooms = seedResources(propertyId, { count: 50, prefix: "room", ...inventory });
    targets = rooms.map((resourceId) => ({ propertyId, resourceId }));
  }
  return { targets, from, key: clientKey(`k6 pipeline ${run}`) };
}

export function setup() {
  return { ...(SEED || seed()), t0: Date.now() };
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
  const t = data.targets[Math.floor(Math.random() * data.targets.length)];
  const d = Math.floor(Math.random() * DATES);
  const base = new Date(data.from);
  const item = { resourceId: t.resourceId, from: isoDay(d, base), to: isoDay(d + 1, base) };
  item.quantity = 1;
  const body = bookingBody(t.propertyId, `p-${__VU}`, item, `tok_ok_${uid()}`);
  const res = book(data.key, body);
  bookingMs.add(res.timings.duration);
  if (!check(res, { "201 pending": (r) => r.status === 201 })) return;
  created.add(1);
  if (SAMPLE <= 0 || Math.random() * SAMPLE >= 1) return;
  const ms = waitConfirmed(data.key, res.json("id"));
  if (ms < 0) unconfirmed.add(1);
  else confirmMs.add(ms);
}

export function teardown(data) {
  markLoadEnd();
  scenarioSeconds.add(DURATION);
  if (LAG_DRAIN_MS <= 0) return;
  const loadEnd = data.t0 + DURATION * 1000;
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
  const out = summary("pipeline", data);
  if (__ENV.SEED_OUT && data.setup_data) {
    const { targets, from, key } = data.setup_data;
    out[__ENV.SEED_OUT] = JSON.stringify({ targets, from, key });
  }
  return out;
}
