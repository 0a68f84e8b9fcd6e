import assert from "node:assert/strict";
import { integration, testDatabase } from "../testing/mod.ts";
import { booking, seedCatalogue, testApp } from "../../api/http/test_app.ts";

integration("concurrency: 300 racing clients for 7 rooms get exactly 7", async () => {
  const db = await testDatabase();
  const { call } = testApp(db.sql);
  const { propertyId, roomId } = await seedCatalogue(call, { rooms: 7 });
  try {
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        call(
          "POST",
          "/v1/reservations",
          booking(propertyId, [
            { resourceId: roomId, from: "2030-06-01", to: "2030-06-03" },
          ]),
          { "idempotency-key": `race-${i}` },
        )),
    );
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 7);
    assert.equal(statuses.filter((s) => s === 409).length, 293);
    assert.ok(results.filter((r) => r.status === 409).every((r) => r.body.code === "sold_out"));
    const inv = await db.sql`select held, sold, total from inventory
      where resource_id = ${roomId} and date in ('2030-06-01', '2030-06-02')`;
    assert.deepEqual(inv.map((r) => [r.held, r.sold, r.total]), [[7, 0, 7], [7, 0, 7]]);
  } finally {
    await db.drop();
  }
});

integration("concurrency: 200 racing clients for one seat: one holder", async () => {
  const db = await testDatabase();
  const { call } = testApp(db.sql);
  const { propertyId, showId } = await seedCatalogue(call);
  try {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        call(
          "POST",
          "/v1/reservations",
          booking(propertyId, [
            // Half ask for A3 alone, half for A3 with A4: every request wants A3.
            {
              resourceId: showId,
              from: "2030-06-02",
              to: "2030-06-03",
              seats: i % 2 ? ["A3"] : ["A3", "A4"],
            },
          ]),
          { "idempotency-key": `seat-${i}` },
        )),
    );
    assert.equal(results.filter((r) => r.status === 201).length, 1);
    const holds = await db.sql`select seat, count(*)::int as n from seat_holds
      where resource_id = ${showId} and date = '2030-06-02' group by seat order by seat`;
    assert.ok(holds.length >= 1 && holds.every((h) => h.n === 1));
    assert.equal(holds[0].seat, "A3");
    const [inv] = await db
      .sql`select held from inventory where resource_id = ${showId} and date = '2030-06-02'`;
    assert.equal(inv.held, holds.length, "counted seats match seat holds");
  } finally {
    await db.drop();
  }
});

integration(
  "concurrency: multi-resource, multi-date bookings in opposite orders do not deadlock",
  async () => {
    const db = await testDatabase();
    const { call } = testApp(db.sql);
    const { propertyId, roomId, showId } = await seedCatalogue(call, { rooms: 1000 });
    const unit = await call("POST", `/v1/properties/${propertyId}/resources`, {
      name: "Parking",
      kind: "unit",
    });
    await call("PUT", `/v1/properties/${propertyId}/resources/${unit.body.id}/inventory`, {
      from: "2030-06-01",
      to: "2030-06-08",
      total: 1000,
      price: 1500,
    });
    try {
      const forward = [
        { resourceId: roomId, from: "2030-06-01", to: "2030-06-07" },
        { resourceId: unit.body.id, from: "2030-06-01", to: "2030-06-07" },
      ];
      const backward = [...forward].reverse();
      const started = Date.now();
      const results = await Promise.all(
        Array.from(
          { length: 120 },
          (_, i) =>
            call("POST", "/v1/reservations", booking(propertyId, i % 2 ? forward : backward), {
              "idempotency-key": `order-${i}`,
            }),
        ),
      );
      assert.deepEqual([
        ...new Set(results.map((r) => r.status)),
      ], [201]);
      assert.ok(Date.now() - started < 30_000);
      const [{ held }] = await db
        .sql`select sum(held)::int as held from inventory where resource_id = ${roomId}`;
      assert.equal(held, 120 * 6);
      void showId;
    } finally {
      await db.drop();
    }
  },
);
