// flash-sale: 20,000 attempts as fast as possible on one show with 1,000 seats. Attempt i asks
// for seat (i * 7919) mod 1000, so every seat is wanted by exactly 20 attempts. Afterwards the
// script checks through the API that exactly 1,000 seats are sold and no seat has two holders.
// Targets: exactly 1,000 sold, 0 oversold, sold-out answers p99 <= 20 ms.
//   k6 run -e BERTH_URL=http://127.0.0.1:8080 -e BERTH_ADMIN_KEY=... loadtests/flash-sale.js
// Knobs: ATTEMPTS (20000), SEATS (1000), VUS (100).
import exec from "k6/execution";
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
  params,
  problemCode,
  seatNames,
  seedProperty,
  seedResources,
  summary,
  TREND_STATS,
  uid,
} from "./lib/berth.js";
import { freeSeats, holdersOf } from "./lib/verify.js";

const ATTEMPTS = envNumber("ATTEMPTS", 20000);
const SEATS = envNumber("SEATS", 1000);
const VUS = envNumber("VUS", 100);
const SOLD_OUT_P99_MS = envNumber("SOLD_OUT_P99_MS", 20);

const attempts = new Counter("attempts");
const created = new Counter("bookings_created");
const soldOut = new Counter("sold_out_answers");
const soldOutMs = new Trend("sold_out_ms", true);
const bookingMs = new Trend("booking_ms", true);
const sold = new Gauge("seats_sold");
const oversold = new Counter("seats_oversold");
const unsold = new Gauge("seats_unsold");
const scenarioSeconds = new Gauge("scenario_seconds");

export const options = {
  summaryTrendStats: TREND_STATS,
  setupTimeout: "120s",
  teardownTimeout: "180s",
  scenarios: {
    sale: { executor: "shared-iterations", vus: VUS, iterations: ATTEMPTS, maxDuration: "5m" },
  },
  thresholds: {
    seats_sold: [`value==${SEATS}`],
    seats_oversold: ["count==0"],
    seats_unsold: ["value==0"],
    bookings_created: [`count==${SEATS}`],
    sold_out_ms: [`p(99)<=${SOLD_OUT_P99_MS}`],
    // Only 201 and 409 are expected answers; anything else is an error.
    "http_req_failed{scenario:sale}": ["rate==0"],
    checks: ["rate==1"],
  },
};

export function setup() {
  const run = uid().slice(0, 8);
  const show = isoDay(45);
  const propertyId = seedProperty(`k6 flash-sale ${run}`);
  const seats = seatNames(SEATS);
  const [resourceId] = seedResources(propertyId, {
    kind: "seat",
    count: 1,
    prefix: "hall",
    seats,
    from: show,
    to: isoDay(46),
    price: 8900,
  });
  return {
    run,
    propertyId,
    resourceId,
    show,
    seats,
    key: clientKey(`k6 flash ${run}`),
    t0: Date.now(),
  };
}

const expected = http.expectedStatuses(201, 409);

export default function (data) {
  const i = exec.scenario.iterationInTest;
  const seat = data.seats[(i * 7919) % data.seats.length];
  const item = { resourceId: data.resourceId, from: data.show, to: isoDay(46), seats: [seat] };
  const body = bookingBody(data.propertyId, `fs-${data.run}-${seat}`, item);
  const res = book(data.key, body, { responseCallback: expected });
  attempts.add(1);
  if (res.status === 201) {
    created.add(1);
    bookingMs.add(res.timings.duration);
  } else if (res.status === 409) {
    soldOut.add(1);
    soldOutMs.add(res.timings.duration);
  }
  check(res, {
    "201 or 409 sold out": (r) =>
      r.status === 201 || (r.status === 409 && ["sold_out", "seat_taken"].includes(problemCode(r))),
  });
}

export function teardown(data) {
  scenarioSeconds.add((Date.now() - data.t0) / 1000);
  const key = data.key;
  const free = freeSeats(key, data);
  const holders = holdersOf(key, data);
  let taken = 0;
  let doubled = 0;
  for (const seat of data.seats) {
    const n = holders[seat] || 0;
    if (n > 0) taken++;
    if (n > 1) doubled += n - 1;
  }
  sold.add(taken);
  oversold.add(doubled);
  unsold.add(data.seats.length - taken);
  check(free, { "availability shows no free seat": (f) => f === 0 });
  const res = http.get(`${BASE}/health`, params(key));
  check(res, { "berth still healthy": (r) => r.status === 200 });
}

export function handleSummary(data) {
  return summary("flash-sale", data);
}
