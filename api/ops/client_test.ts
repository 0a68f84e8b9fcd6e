import assert from "node:assert/strict";
import { between, byService, quantile, windowStart } from "./client.js";
import { fromScrape } from "./summary.ts";
import { parseScrape } from "../../shared/metrics/mod.ts";

const buckets = (...pairs: [number | null, number][]) =>
  pairs.map(([le, count]) => ({ le, count }));

Deno.test("quantile: linear within the bucket, as Prometheus's histogram_quantile", () => {
  // 10 confirmations: 4 within 0.1 s, 4 more within 0.25 s, 2 more within 1 s.
  const h = buckets([0.1, 4], [0.25, 8], [1, 10], [null, 10]);
  const near = (a: number | null, b: number) => assert.ok(Math.abs(a! - b) < 1e-9, `${a} ≠ ${b}`);
  near(quantile(h, 0.5), 0.1 + 0.15 * (1 / 4));
  near(quantile(h, 0.99), 0.25 + 0.75 * (1.9 / 2));
  assert.equal(quantile(buckets([0.1, 0], [null, 0]), 0.5), null, "none yet");
  assert.equal(quantile(buckets([0.1, 0], [1, 0], [null, 3]), 0.5), 1, "past the last bound");
});

Deno.test("between: rates per second and the latency of what was confirmed in between", () => {
  const older = {
    at: "2026-11-22T10:00:00.000Z",
    bookings: 100,
    confirmations: 90,
    errors5xx: 1,
    confirmBuckets: buckets([0.1, 80], [1, 90], [null, 90]),
  };
  const newer = {
    at: "2026-11-22T10:00:10.000Z",
    bookings: 150,
    confirmations: 130,
    errors5xx: 1,
    confirmBuckets: buckets([0.1, 80], [1, 130], [null, 130]),
  };
  const w = between(older, newer);
  assert.equal(w.bookings, 5);
  assert.equal(w.confirmations, 4);
  assert.equal(w.errors5xx, 0);
  // All 40 confirmed in between took 0.1 to 1 s (those before were faster).
  assert.ok(w.confirmP50! > 0.1 && w.confirmP50! < 1, String(w.confirmP50));
});

Deno.test("windowStart: the oldest poll within the window", () => {
  const at = (s: number) => ({ at: new Date(Date.UTC(2026, 10, 22, 10, 0, s)).toISOString() });
  const polls = [at(0), at(2), at(4), at(6), at(8), at(10), at(12), at(14)];
  assert.equal(windowStart(polls, 10_000), polls[2]);
  assert.equal(windowStart([at(0)], 10_000).at, at(0).at);
});

Deno.test("byService: a service's partitions and streams as one row", () => {
  const c = (consumer: string, stream: string, pending: number, oldest: number) => ({
    service: consumer.split("-")[0],
    stream,
    consumer,
    pending,
    ackPending: 1,
    oldestUnackedSeconds: oldest,
  });
  assert.deepEqual(
    byService([
      c("payments-reservations-0", "RESERVATIONS", 5, 2),
      c("audit-payments-0", "PAYMENTS", 0, 0),
      c("payments-reservations-1", "RESERVATIONS", 7, 9),
      c("audit-reservations-0", "RESERVATIONS", 0, 0),
    ]),
    [
      {
        service: "audit",
        streams: ["PAYMENTS", "RESERVATIONS"],
        consumers: ["audit-payments-0", "audit-reservations-0"],
        lag: 2,
        oldest: 0,
      },
      {
        service: "payments",
        streams: ["RESERVATIONS"],
        consumers: ["payments-reservations-0", "payments-reservations-1"],
        lag: 14,
        oldest: 9,
      },
    ],
  );
});

Deno.test("fromScrape: counters, lag and dead letters per consumer, from /metrics text", () => {
  const s = fromScrape(parseScrape(
    [
      'berth_http_requests_total{method="POST",route="/v1/reservations",status="201"} 7',
      'berth_http_requests_total{method="POST",route="/v1/reservations",status="409"} 2',
      'berth_http_requests_total{method="GET",route="/ready",status="503"} 3',
      'berth_http_requests_total{method="POST",route="/v1/reservations",status="504"} 1',
      "berth_reservation_confirm_seconds_count 5",
      'berth_reservation_confirm_seconds_bucket{le="+Inf"} 5',
      'berth_reservation_confirm_seconds_bucket{le="0.5"} 4',
      'berth_consumer_pending{service="payments",stream="RESERVATIONS",consumer="payments-reservations-0"} 12',
      'berth_consumer_ack_pending{service="payments",stream="RESERVATIONS",consumer="payments-reservations-0"} 3',
      'berth_consumer_oldest_unacked_seconds{service="payments",stream="RESERVATIONS",consumer="payments-reservations-0"} 9',
      'berth_dlq_messages{service="payments"} 1',
      "berth_outbox_backlog 40",
      "berth_outbox_oldest_seconds 2.5",
      "berth_database_up 1",
      "berth_nats_up 0",
    ].join("\n"),
  ));
  assert.equal(s.bookings, 7);
  assert.equal(s.confirmations, 5);
  assert.equal(s.errors5xx, 4);
  assert.deepEqual(s.confirmBuckets, [{ le: 0.5, count: 4 }, { le: null, count: 5 }]);
  assert.deepEqual(s.consumers, [{
    service: "payments",
    stream: "RESERVATIONS",
    consumer: "payments-reservations-0",
    pending: 12,
    ackPending: 3,
    oldestUnackedSeconds: 9,
  }]);
  assert.deepEqual(s.deadLetters, [{ service: "payments", messages: 1 }]);
  assert.deepEqual(s.outbox, { backlog: 40, oldestSeconds: 2.5 });
  assert.equal(s.database, true);
  assert.equal(s.nats, false);
});
