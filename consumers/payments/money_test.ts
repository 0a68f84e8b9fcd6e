import assert from "node:assert/strict";
import { eventually, integration } from "../../testing/mod.ts";
import { MAX_PRICE } from "../../shared/booking/mod.ts";
import { booking } from "../../testing/app.ts";
import { fresh, sagaPlatform } from "./testdata/saga.ts";

integration("money beyond int4: placed, read, paid and cancelled to the minor unit", async () => {
  const p = await sagaPlatform();
  try {
    const prop = await p.call("POST", "/v1/properties", {
      name: "Summit Lodge",
      timezone: "UTC",
      currency: "EUR",
      cancellationPolicy: { freeCancelHours: 24, lateRefundPercent: 37 },
    });
    const pid = prop.body.id;
    const unit = await p.call("POST", `/v1/properties/${pid}/resources`, {
      name: "Chalet",
      kind: "unit",
    });
    const uid = unit.body.id;
    const price = MAX_PRICE - 1; // 9_999_999_999: above 2^31 on its own
    const inv = await p.call("PUT", `/v1/properties/${pid}/resources/${uid}/inventory`, {
      from: "2030-06-01",
      to: "2030-06-04",
      total: 20,
      price,
    });
    assert.equal(inv.status, 200, JSON.stringify(inv.body));
    const avail = await p.call(
      "GET",
      `/v1/availability?propertyId=${pid}&from=2030-06-01&to=2030-06-04`,
    );
    assert.equal(avail.status, 200, JSON.stringify(avail.body));
    assert.deepEqual(avail.body.resources[0].dates.map((d: { price: number }) => d.price), [
      price,
      price,
      price,
    ]);

    // 20 units for 3 days.
    const total = 599_999_999_940;
    const items = [{ resourceId: uid, from: "2030-06-01", to: "2030-06-04", quantity: 20 }];
    const placed = await p.call("POST", "/v1/reservations", booking(pid, items), fresh());
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    assert.equal(placed.body.total, total);
    assert.equal(placed.body.items[0].amount, total);
    const id = placed.body.id as string;

    const confirmed = await eventually(
      async () => {
        const r = await p.call("GET", `/v1/reservations/${id}`);
        return r.body.status === "confirmed" ? r : null;
      },
      10_000,
      "confirmed by the payment saga",
    );
    assert.equal(confirmed.status, 200);
    assert.equal(confirmed.body.total, total);
    const payId = `pay_${id.replaceAll("-", "")}`;
    const payment = async () =>
      (await p.sql`select status, amount::text, captured::text, refunded::text
        from payments.payments where reservation_id = ${id}`)[0];
    // A unit is captured at confirmation.
    await eventually(async () => (await payment())?.status === "captured", 10_000, "captured");
    assert.deepEqual(
      { ...(await payment()) },
      { status: "captured", amount: `${total}`, captured: `${total}`, refunded: "0" },
    );

    // Cancelled 12 h before the start: 37 % back, rounded down.
    p.clock.t = Date.parse("2030-05-31T12:00:00Z");
    const cancelled = await p.call("POST", `/v1/reservations/${id}/cancel`);
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.equal(cancelled.body.total, total);
    const refund = 221_999_999_977;
    await eventually(async () => (await payment())?.status === "refunded", 10_000, "refunded");
    assert.equal((await payment()).refunded, `${refund}`);
    const sim = await p.simulator.payment(payId);
    assert.deepEqual([sim?.authorized, sim?.captured, sim?.refunded], [total, total, refund]);
    const events = await p.sql`
      select type, payload::jsonb -> 'data' ->> 'amount' as amount from outbox
      where type like 'payment.%' and payload::jsonb -> 'data' ->> 'reservationId' = ${id}
      order by seq`;
    assert.deepEqual(events.map((e) => [e.type, e.amount]), [
      ["payment.authorized", `${total}`],
      ["payment.captured", `${total}`],
      ["payment.refunded", `${refund}`],
    ]);
  } finally {
    await p.close();
  }
});
