import assert from "node:assert/strict";
import { eventually, integration } from "../../testing/mod.ts";
import { sweepOnce } from "../../shared/booking/mod.ts";
import { booking } from "../../testing/app.ts";
import { fresh, sagaPlatform, TEST_TIMEOUT_MS } from "./testdata/saga.ts";
import { parseScrape } from "../../shared/metrics/mod.ts";

type Platform = Awaited<ReturnType<typeof sagaPlatform>>;

function helpers(p: Platform) {
  async function book(propertyId: string, items: unknown[], token: string) {
    const r = await p.call("POST", "/v1/reservations", booking(propertyId, items, token), fresh());
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { id: string; total: number; holdExpiresAt: string };
  }
  async function reservation(id: string) {
    return (await p.call("GET", `/v1/reservations/${id}`)).body;
  }
  async function until(id: string, status: string, timeoutMs = 10_000) {
    return await eventually(
      async () => {
        const r = await reservation(id);
        return r.status === status ? r : null;
      },
      timeoutMs,
      `reservation ${id} ${status}`,
    );
  }
  async function payment(id: string) {
    const [row] = await p.sql`
      select status, amount::int, authorized::int, captured::int, refunded::int, voided::int,
        failure_reason, capture_at from payments.payments where reservation_id = ${id}`;
    return row;
  }
  async function paymentEvents(id: string) {
    const rows = await p.sql`
      select type, payload from outbox where type like 'payment.%'
        and payload::jsonb -> 'data' ->> 'reservationId' = ${id} order by seq`;
    return rows.map((r) => ({ type: r.type, data: JSON.parse(r.payload).data }));
  }
  async function held(resourceId: string, date: string) {
    const [row] = await p.sql`
      select held, sold from inventory where resource_id = ${resourceId} and date = ${date}`;
    return row as { held: number; sold: number };
  }
  /** One series of the provider's and the reservations service's metrics. */
  async function metric(series: string) {
    return parseScrape(await p.registry.metrics()).samples.get(series);
  }
  return { book, reservation, until, payment, paymentEvents, held, metric };
}

integration("payment saga: authorize, confirm, fail, time out, capture", async (t) => {
  const p = await sagaPlatform();
  const h = helpers(p);
  try {
    const { propertyId, roomId, showId } = await p.seed();
    const room = (from: string, to: string) => [{ resourceId: roomId, from, to, quantity: 1 }];

    await t.step("tok_ok: confirmed within 2 s; a room is captured at check-out", async () => {
      const started = Date.now();
      const r = await h.book(propertyId, room("2030-06-01", "2030-06-03"), "tok_ok_visa");
      const confirmed = await h.until(r.id, "confirmed", 2000);
      assert.ok(Date.now() - started < 2000);
      assert.deepEqual(confirmed.history.map((x: { status: string }) => x.status), [
        "pending",
        "confirmed",
      ]);
      assert.equal((await h.held(roomId, "2030-06-01")).sold, 1);
      // Pending → confirmed is timed once the reservations service's write returns.
      const confirms = () => h.metric("berth_reservation_confirm_seconds_count");
      await eventually(async () => (await confirms()) === 1, 2000, "the confirmation timed");
      assert.equal(
        await h.metric('berth_payment_provider_calls_total{operation="authorize",outcome="ok"}'),
        1,
      );
      let pay = await h.payment(r.id);
      assert.equal(pay.status, "authorized");
      assert.equal(pay.capture_at, "check_out");
      assert.equal(pay.authorized, 24000);
      const today = p.clock.t;
      p.clock.t = Date.parse("2030-06-01T10:00:00Z"); // the arrival day at the hotel
      for (const step of ["check-in", "check-out"]) {
        assert.equal((await p.call("POST", `/v1/reservations/${r.id}/${step}`)).status, 200);
      }
      p.clock.t = today;
      pay = await eventually(
        async () => {
          const x = await h.payment(r.id);
          return x.status === "captured" ? x : null;
        },
        5000,
        "capture at check-out",
      );
      assert.equal(pay.captured, 24000);
      assert.deepEqual((await h.paymentEvents(r.id)).map((e) => e.type), [
        "payment.authorized",
        "payment.captured",
      ]);
    });

    await t.step("tok_ok: seats are captured at confirmation", async () => {
      const r = await h.book(propertyId, [
        { resourceId: showId, from: "2030-06-02", to: "2030-06-03", seats: ["A1", "A2"] },
      ], "tok_ok_seat");
      await h.until(r.id, "confirmed", 2000);
      const pay = await eventually(
        async () => {
          const x = await h.payment(r.id);
          return x.status === "captured" ? x : null;
        },
        5000,
        "capture at confirmation",
      );
      assert.equal(pay.captured, 9000);
      assert.equal((await p.simulator.payment(`pay_${r.id.replaceAll("-", "")}`))?.captured, 9000);
    });

    await t.step("tok_decline: failed, its inventory is free again", async () => {
      const r = await h.book(propertyId, room("2030-06-04", "2030-06-05"), "tok_decline_card");
      assert.equal((await h.held(roomId, "2030-06-04")).held, 1);
      const failed = await h.until(r.id, "failed", 5000);
      assert.match(failed.history.at(-1).reason, /card_declined/);
      assert.deepEqual(await h.held(roomId, "2030-06-04"), { held: 0, sold: 0 });
      const pay = await h.payment(r.id);
      assert.equal(pay.status, "failed");
      assert.equal(pay.failure_reason, "card_declined");
      const declined =
        'berth_payment_provider_calls_total{operation="authorize",outcome="declined"}';
      assert.equal(await h.metric(declined), 1);
    });

    await t.step("tok_slow: three unanswered tries, then failed and released", async () => {
      const started = Date.now();
      const r = await h.book(propertyId, room("2030-06-05", "2030-06-06"), "tok_slow_card");
      // The slow card holds up its own property only: a booking elsewhere confirms meanwhile.
      const other = await p.seed();
      const elsewhere = await h.book(other.propertyId, [
        { resourceId: other.roomId, from: "2030-06-05", to: "2030-06-06" },
      ], "tok_ok_elsewhere");
      await h.until(elsewhere.id, "confirmed", 2000);
      assert.equal((await h.reservation(r.id)).status, "pending");
      const failed = await h.until(r.id, "failed", 15_000);
      assert.ok(Date.now() - started >= 3 * TEST_TIMEOUT_MS);
      assert.match(failed.history.at(-1).reason, /provider_timeout/);
      assert.deepEqual(await h.held(roomId, "2030-06-05"), { held: 0, sold: 0 });
      const tries = p.simulator.calls.filter((c) => c === `authorize ${r.id}`);
      assert.equal(tries.length, 3);
      assert.equal(p.provider.breaker.state, "closed"); // fewer than five failures in a row
      const timeouts =
        'berth_payment_provider_calls_total{operation="authorize",outcome="timeout"}';
      assert.equal(await h.metric(timeouts), 3);
      assert.equal(await h.metric('berth_payment_breaker{state="closed"}'), 1);
      assert.deepEqual((await h.paymentEvents(r.id)).map((e) => e.type), ["payment.failed"]);
    });

    await t.step(
      "a late authorization: the reservation stays expired, the money is voided",
      async () => {
        // The api's clock is 20 minutes behind: the hold has passed before the payment is made.
        p.clock.t = Date.now() - 20 * 60_000;
        const r = await h.book(propertyId, room("2030-06-06", "2030-06-07"), "tok_ok_late");
        p.clock.t = Date.now();
        const expired = await h.until(r.id, "expired", 5000);
        assert.match(expired.history.at(-1).reason, /before the payment/);
        const pay = await eventually(
          async () => {
            const x = await h.payment(r.id);
            return x?.status === "voided" ? x : null;
          },
          5000,
          "void",
        );
        assert.deepEqual([pay.authorized, pay.captured, pay.voided], [12000, 0, 12000]);
        const sim = (await p.simulator.payment(`pay_${r.id.replaceAll("-", "")}`))!;
        assert.equal(sim.captured, 0);
        assert.equal(sim.voided, 12000);
        assert.deepEqual(await h.held(roomId, "2030-06-06"), { held: 0, sold: 0 });
        const events = await h.paymentEvents(r.id);
        assert.deepEqual(events.map((e) => e.type), ["payment.authorized", "payment.refunded"]);
        assert.match(events[1].data.reason, /^void: reservation expired/);
      },
    );

    await t.step("a late authorization racing the sweeper ends voided too", async () => {
      p.clock.t = Date.now() - 20 * 60_000;
      const r = await h.book(propertyId, room("2030-06-07", "2030-06-08"), "tok_ok_late2");
      p.clock.t = Date.now();
      await sweepOnce(p.sql, new Date());
      await h.until(r.id, "expired", 5000);
      await eventually(async () => (await h.payment(r.id))?.status === "voided", 5000, "void");
      const sim = (await p.simulator.payment(`pay_${r.id.replaceAll("-", "")}`))!;
      assert.deepEqual([sim.captured, sim.voided], [0, 12000]);
    });
  } finally {
    await p.close();
  }
});
