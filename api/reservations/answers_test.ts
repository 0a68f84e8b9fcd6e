import assert from "node:assert/strict";
import { integration, testDatabase } from "../../testing/mod.ts";
import { changeStatus } from "../../shared/booking/mod.ts";
import { booking, testApp, TestClock } from "../../testing/app.ts";

/** A hotel whose policy refunds all until 48 h before arrival, then half. */
async function hotel(call: ReturnType<typeof testApp>["call"]) {
  const p = await call("POST", "/v1/properties", {
    name: "Canal House",
    timezone: "Europe/Amsterdam",
    currency: "EUR",
    cancellationPolicy: { freeCancelHours: 48, lateRefundPercent: 50 },
  });
  const room = await call("POST", `/v1/properties/${p.body.id}/resources`, {
    name: "Canal room",
    kind: "room",
  });
  await call("PUT", `/v1/properties/${p.body.id}/resources/${room.body.id}/inventory`, {
    from: "2030-06-01",
    to: "2030-06-10",
    total: 5,
    price: 12001,
  });
  return { propertyId: p.body.id as string, roomId: room.body.id as string };
}

integration("answers: a cancel says what is refunded under the property's policy", async (t) => {
  const db = await testDatabase();
  const clock = new TestClock(Date.parse("2030-05-25T12:00:00Z"));
  const { call } = testApp(db.sql, { clock });
  const { propertyId, roomId } = await hotel(call);
  const book = async (from: string, to: string, confirm: boolean) => {
    const r = await call(
      "POST",
      "/v1/reservations",
      booking(propertyId, [{ resourceId: roomId, from, to }]),
      { "idempotency-key": crypto.randomUUID() },
    );
    assert.equal(r.status, 201);
    if (confirm) {
      await changeStatus(db.sql, r.body.id, "confirm", { now: clock.now(), correlationId: "pay" });
    }
    return r.body.id as string;
  };
  const policy = { freeCancelHours: 48, lateRefundPercent: 50 };
  try {
    await t.step("cancelled before the payment confirmed it: nothing is kept", async () => {
      const id = await book("2030-06-05", "2030-06-07", false);
      const r = await call("POST", `/v1/reservations/${id}/cancel`);
      assert.equal(r.status, 200);
      assert.equal(r.body.status, "cancelled");
      assert.deepEqual(r.body.refund, {
        amount: 24002,
        kept: 0,
        currency: "EUR",
        rule: "unconfirmed",
        freeUntil: "2030-06-02T22:00:00.000Z",
        policy,
      });
    });

    await t.step("confirmed, cancelled in time: all of it", async () => {
      const id = await book("2030-06-05", "2030-06-07", true);
      const r = await call("POST", `/v1/reservations/${id}/cancel`);
      assert.equal(r.body.refund.rule, "free");
      assert.equal(r.body.refund.amount, 24002);
      assert.equal(r.body.refund.kept, 0);
    });

    await t.step("confirmed, cancelled within 48 h of arrival: half, the rest kept", async () => {
      const id = await book("2030-06-03", "2030-06-06", true);
      clock.t = Date.parse("2030-06-02T10:00:00Z"); // 36 hours before midnight in Amsterdam
      const key = { "idempotency-key": `cancel-${id}` };
      const r = await call("POST", `/v1/reservations/${id}/cancel`, undefined, key);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.refund, {
        amount: 18001,
        kept: 18002,
        currency: "EUR",
        rule: "late",
        freeUntil: "2030-05-31T22:00:00.000Z",
        policy,
      });
      const again = await call("POST", `/v1/reservations/${id}/cancel`, undefined, key);
      assert.equal(again.headers.get("idempotent-replayed"), "true");
      assert.deepEqual(again.body.refund, r.body.refund, "a retry says the same");
    });
  } finally {
    await db.drop();
  }
});

integration("answers: a PATCH says the new total and what happens on the card", async () => {
  const db = await testDatabase();
  const clock = new TestClock(Date.parse("2030-05-25T12:00:00Z"));
  const { call } = testApp(db.sql, { clock });
  const { propertyId, roomId } = await hotel(call);
  const stay = (from: string, to: string) => ({ items: [{ resourceId: roomId, from, to }] });
  try {
    const r = await call(
      "POST",
      "/v1/reservations",
      booking(propertyId, stay("2030-06-05", "2030-06-08").items),
      { "idempotency-key": "patch-answers" },
    );
    const shorter = await call(
      "PATCH",
      `/v1/reservations/${r.body.id}`,
      stay("2030-06-05", "2030-06-07"),
    );
    assert.equal(shorter.status, 200);
    assert.equal(shorter.body.total, 24002);
    assert.deepEqual(shorter.body.adjustment, {
      previousTotal: 36003,
      newTotal: 24002,
      difference: -12001,
      currency: "EUR",
      payment: "release",
    });
    const longer = await call(
      "PATCH",
      `/v1/reservations/${r.body.id}`,
      stay("2030-06-05", "2030-06-09"),
    );
    assert.equal(longer.status, 202);
    assert.equal(longer.body.total, 24002, "the booking stands until the difference is authorized");
    assert.equal(longer.body.pendingModification.total, 48004);
    assert.deepEqual(longer.body.adjustment, {
      previousTotal: 24002,
      newTotal: 48004,
      difference: 24002,
      currency: "EUR",
      payment: "authorize",
    });
  } finally {
    await db.drop();
  }
});
