import assert from "node:assert/strict";
import { eventually, integration, testDatabase } from "../../testing/mod.ts";
import { booking, seedCatalogue, testApp, TestClock } from "../../testing/app.ts";
import { runSweeper, sweepOnce } from "./sweeper.ts";
import { changeStatus } from "./change.ts";
import { MAX_PRICE } from "./domain.ts";

integration("sweeper: an expired hold frees its inventory with no request arriving", async () => {
  const db = await testDatabase();
  // The hold is placed 16 minutes in the past, so it is already overdue.
  const clock = new TestClock(Date.now() - 16 * 60_000);
  const { call } = testApp(db.sql, { clock });
  const { propertyId, roomId, showId } = await seedCatalogue(call, { rooms: 1 });
  const stop = new AbortController();
  try {
    const r = await call(
      "POST",
      "/v1/reservations",
      booking(propertyId, [
        { resourceId: roomId, from: "2030-06-01", to: "2030-06-02" },
        { resourceId: showId, from: "2030-06-01", to: "2030-06-02", seats: ["A1"] },
      ]),
      { "idempotency-key": "old" },
    );
    assert.equal(r.status, 201);
    const fresh = await call(
      "POST",
      "/v1/reservations",
      booking(propertyId, [
        { resourceId: showId, from: "2030-06-03", to: "2030-06-04", seats: ["A1"] },
      ]),
      { "idempotency-key": "fresh" },
    );
    await db
      .sql`update reservations set hold_expires_at = now() + interval '10 minutes' where id = ${fresh.body.id}`;
    const sweeping = runSweeper({ sql: db.sql, signal: stop.signal, intervalMs: 50 });
    const status = await eventually(
      async () => {
        const [row] = await db.sql`select status from reservations where id = ${r.body.id}`;
        return row.status === "expired" && row.status;
      },
      5000,
      "expiry",
    );
    assert.equal(status, "expired");
    const inv = await db
      .sql`select resource_id, held from inventory where date = '2030-06-01' order by resource_id`;
    assert.ok(inv.every((i) => i.held === 0));
    assert.equal(
      (await db.sql`select count(*)::int as n from seat_holds where reservation_id = ${r.body.id}`)[
        0
      ].n,
      0,
    );
    const [events] = await db
      .sql`select count(*)::int as n from outbox where type = 'reservation.expired'`;
    assert.equal(events.n, 1);
    const [other] = await db.sql`select status from reservations where id = ${fresh.body.id}`;
    assert.equal(other.status, "pending", "a hold still running stays");
    stop.abort();
    await sweeping;
  } finally {
    stop.abort();
    await db.drop();
  }
});

integration(
  "sweeper: a confirmed reservation is not expired; a late payment cannot confirm",
  async () => {
    const db = await testDatabase();
    const clock = new TestClock(Date.now() - 20 * 60_000);
    const { call } = testApp(db.sql, { clock });
    const { propertyId, roomId } = await seedCatalogue(call, { rooms: 2 });
    try {
      const book = (k: string) =>
        call(
          "POST",
          "/v1/reservations",
          booking(propertyId, [{ resourceId: roomId, from: "2030-06-01", to: "2030-06-02" }]),
          {
            "idempotency-key": k,
          },
        );
      const paid = await book("paid");
      const late = await book("late");
      const ctx = { now: clock.now(), correlationId: "t", paymentId: "pay_1" };
      await changeStatus(db.sql, paid.body.id, "confirm", ctx);
      await assert.rejects(
        changeStatus(db.sql, late.body.id, "confirm", { ...ctx, now: new Date() }),
        (e: Error & { code?: string }) => e.code === "hold_expired",
      );
      assert.equal(await sweepOnce(db.sql, new Date()), 1);
      const rows = await db.sql`select id, status from reservations order by created_at`;
      assert.deepEqual(rows.map((r) => r.status), ["confirmed", "expired"]);
      const [inv] = await db
        .sql`select held, sold from inventory where resource_id = ${roomId} and date = '2030-06-01'`;
      assert.deepEqual([inv.held, inv.sold], [0, 1]);
    } finally {
      await db.drop();
    }
  },
);

integration("sweeper: a quiet sweeper waits until the next hold falls due", async () => {
  const db = await testDatabase();
  const { call } = testApp(db.sql);
  const { propertyId, roomId } = await seedCatalogue(call, { rooms: 1 });
  const stop = new AbortController();
  try {
    const r = await call(
      "POST",
      "/v1/reservations",
      booking(propertyId, [{ resourceId: roomId, from: "2030-06-01", to: "2030-06-02" }]),
      { "idempotency-key": "soon" },
    );
    assert.equal(r.status, 201);
    await db.sql`update reservations set hold_expires_at = now() + interval '1500 milliseconds'
      where id = ${r.body.id}`;
    let passes = 0;
    const sweeping = runSweeper({
      sql: db.sql,
      signal: stop.signal,
      intervalMs: 50,
      onPass: () => passes++,
    });
    const started = Date.now();
    await eventually(
      async () => {
        const [row] = await db.sql`select status from reservations where id = ${r.body.id}`;
        return row.status === "expired";
      },
      5000,
      "expiry",
    );
    const took = Date.now() - started;
    assert.ok(took >= 1000 && took < 3000, `expired ${took} ms after the sweeper started`);
    // Polling every 50 ms would have made some 30 passes; it looked once, then at the due time.
    assert.ok(passes <= 4, `${passes} passes`);
    const before = passes;
    await new Promise((res) => setTimeout(res, 1000));
    assert.equal(passes, before, "with no hold pending it waits (30 s), not every 50 ms");
    stop.abort();
    await sweeping;
  } finally {
    stop.abort();
    await db.drop();
  }
});

integration("sweeper: a hold with a total beyond int4 expires with the others", async () => {
  const db = await testDatabase();
  const clock = new TestClock(Date.now() - 20 * 60_000);
  const { call } = testApp(db.sql, { clock });
  const { propertyId, roomId } = await seedCatalogue(call, { rooms: 2 });
  try {
    await call("PUT", `/v1/properties/${propertyId}/resources/${roomId}/inventory`, {
      from: "2030-06-01",
      to: "2030-06-03",
      price: MAX_PRICE,
    });
    const book = async (k: string, from: string, to: string) => {
      const r = await call(
        "POST",
        "/v1/reservations",
        booking(propertyId, [{ resourceId: roomId, from, to }]),
        { "idempotency-key": k },
      );
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body;
    };
    const big = await book("big", "2030-06-01", "2030-06-03");
    assert.equal(big.total, 2 * MAX_PRICE);
    const small = await book("small", "2030-06-05", "2030-06-06");
    assert.equal(await sweepOnce(db.sql, new Date()), 2);
    for (const id of [big.id, small.id]) {
      const r = await call("GET", `/v1/reservations/${id}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.status, "expired");
    }
    assert.equal((await call("GET", `/v1/reservations/${big.id}`)).body.total, 2 * MAX_PRICE);
  } finally {
    await db.drop();
  }
});
