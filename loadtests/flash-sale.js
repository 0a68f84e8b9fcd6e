// flash-sale: 20,000 attempts as fast as possible on one show with 1,000 seats. Attempt i asks
// for seat (i * 7919) mod 1000, so every seat is wanted by exactly 20 attempts. Afterwards the
// script checks through the API that exactly 1,000 seats are sold (availability: held + sold =
// 1,000, none free, and exactly 1,000 attempts got a 201) and no seat has two holders (one
// threshold per seat on the 201s the API gave for it: at most 1).
// Targets: exactly 1,000 sold, 0 oversold, sold-out answers p99 <= 20 ms.
//   k6 run -e BERTH_URL=http://127.0.0.1:8080 -e BERTH_ADMIN_KEY=... loadtests/flash-sale.js
// Knobs: ATTEMPTS (20000), SEATS (1000), VUS (100).
import exec from "k6/execution";
import http from "k6/http";
import { check } from "k6";
import { Counter, Gauge, Trend } from "k6/metrics";
import {
  book,
  bookingBody,
  clientKey,
  envNumber,
  isoDay,
  markLoadEnd,
  problemCode,
  seatNames,
  seedProperty,
  seedResources,
  summary,
  TREND_STATS,
  uid,
} from "./lib/berth.js";
import { dateAvailability } from "./lib/verify.js";

const ATTEMPTS = envNumber("ATTEMPTS", 20000);
const SEATS = envNumber("SEATS", 1000);
const VUS = envNumber("VUS", 100);
const SOLD_OUT_P99_MS = envNumber("SOLD_OUT_P99_MS", 20);

const attempts = new Counter("attempts");
const created = new Counter("bookings_created");
const soldOut = new Counter("sold_out_answers");
const soldOutMs = new Trend("sold_out_ms", true);
const bookingMs = new Trend("booking_ms", true);
const seatWins = new Counter("seat_holders");
const sold = new Gauge("seats_sold");
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
    seats_unsold: ["value==0"],
    bookings_created: [`count==${SEATS}`],
    sold_out_ms: [`p(99)<=${SOLD_OUT_P99_MS}`],
    // Only 201 and 409 are expected answers; anything else is an error.
    "http_req_failed{scenario:sale}": ["rate==0"],
    checks: ["rate==1"],
    // No seat has two holders: one submetric per seat, each at most one 201.
    ...Object.fromEntries(seatNames(SEATS).map((s) => [`seat_holders{seat:${s}}`, ["count<=1"]])),
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
    seatWins.add(1, { seat });
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
  markLoadEnd();
  scenarioSeconds.add((Date.now() - data.t0) / 1000);
  const day = dateAvailability(data.key, data.propertyId, data.resourceId, data.show, isoDay(46));
  check(day, { "availability readable": (d) => d !== null });
  if (!day) return;
  sold.add(day.held + day.sold);
  unsold.add(day.available);
  check(day, {
    "availability: no seat free": (d) => d.available === 0 && (d.freeSeats || []).length === 0,
    "availability: held + sold = seats": (d) => d.held + d.sold === data.seats.length,
  });
}

export function handleSummary(data) {
  return summary("flash-sale", data);
}
