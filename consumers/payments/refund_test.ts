import assert from "node:assert/strict";
import { eventually, integration } from "../../testing/mod.ts";
import { booking } from "../../testing/app.ts";
import { fresh, sagaPlatform } from "./testdata/saga.ts";
import { settleDay } from "./settlement.ts";

integration("payments: refunds follow the property's policy; settlement totals", async (t) => {
  const p = await sagaPlatform();
  try {
    const { propertyId, roomId, showId } = await p.seed();
    // Full refund until 24 h before the start (midnight in Amsterdam), then half.
    await p.sql`update properties set free_cancel_hours = 24, late_refund_percent = 50
      where id = ${propertyId}`;
    const payment = async (id: string) =>
      (await p.sql`select status, captured::int, refunded::int, voided::int
        from payments.payments where reservation_id = ${id}`)[0];
    const bookConfirmed = async (items: unknown[], at: Date) => {
      p.clock.t = at.getTime();
      const r = await p.call("POST", "/v1/reservations", booking(propertyId, items), fresh());
      assert.equal(r.status, 201, JSON.stringify(r.body));
      await eventually(
        async () => {
          const got = await p.call("GET", `/v1/reservations/${r.body.id}`);
          return got.body.status === "confirmed";
        },
        5000,
        "confirmed",
      );
      return r.body.id as string;
    };
    const cancelAt = async (id: string, at: Date) => {
      p.clock.t = at.getTime();
      assert.equal((await p.call("POST", `/v1/reservations/${id}/cancel`)).status, 200);
    };
    const seats = (s: string[]) => [
      { resourceId: showId, from: "2030-06-01", to: "2030-06-02", seats: s },
    ];
    const room = [{ resourceId: roomId, from: "2030-06-01", to: "2030-06-03", quantity: 1 }];
    // 2030-06-01 00:00 in Amsterdam is 2030-05-31 22:00 UTC; the free window ends 24 h before.
    const early = new Date("2030-05-30T21:59:00Z");
    const late = new Date("2030-05-31T12:00:00Z");
    // The booking's hold must still be running in real time when the payment arrives.
    const bookedAt = new Date();
    /** The payment of `id` once it has `status`. */
    const paymentIn = (id: string, status: string, what: string) =>
      eventually(
        async () => {
          const x = await payment(id);
          return x.status === status ? x : null;
        },
        5000,
        what,
      );

    await t.step("captured seats cancelled in time: all of it refunded", async () => {
      const id = await bookConfirmed(seats(["A1"]), bookedAt);
      await paymentIn(id, "captured", "captured");
      await cancelAt(id, early);
      const pay = await paymentIn(id, "refunded", "refund");
      assert.deepEqual([pay.captured, pay.refunded], [4500, 4500]);
    });

    await t.step("captured seats cancelled late: the late share is refunded", async () => {
      const id = await bookConfirmed(seats(["A2", "A3"]), bookedAt);
      await paymentIn(id, "captured", "captured");
      await cancelAt(id, late);
      const pay = await paymentIn(id, "refunded", "refund");
      assert.deepEqual([pay.captured, pay.refunded], [9000, 4500]);
    });

    await t.step(
      "an uncaptured room cancelled late: the fee is captured, the rest voided",
      async () => {
        const id = await bookConfirmed(room, bookedAt);
        await cancelAt(id, late);
        const pay = await paymentIn(id, "captured", "fee captured");
        assert.deepEqual([pay.captured, pay.refunded, pay.voided], [12000, 0, 12000]);
      },
    );

    await t.step("an uncaptured room cancelled in time: all of it voided", async () => {
      const id = await bookConfirmed(room, bookedAt);
      await cancelAt(id, early);
      const pay = await paymentIn(id, "voided", "voided");
      assert.deepEqual([pay.captured, pay.voided], [0, 24000]);
    });

    await t.step("settlement: per property and currency, once per day", async () => {
      const today = new Date().toISOString().slice(0, 10);
      const settled = await settleDay(p.sql, today, new Date());
      // Captured: 4500 + 9000 (seats) + 12000 (late fee); refunded: 4500 + 4500; voids do not count.
      assert.deepEqual(settled, [{
        date: today,
        propertyId,
        currency: "EUR",
        captured: 25500,
        refunded: 9000,
        net: 16500,
        payments: 3,
      }]);
      assert.deepEqual(await settleDay(p.sql, today, new Date()), []);
      const [event] = await p
        .sql`select subject, payload from outbox where type = 'payment.settled'`;
      assert.equal(event.subject, `payment.${propertyId}.settled`);
      assert.deepEqual(JSON.parse(event.payload).data, {
        date: today,
        currency: "EUR",
        captured: 25500,
        refunded: 9000,
        net: 16500,
        payments: 3,
      });
    });
  } finally {
    await p.close();
  }
});
