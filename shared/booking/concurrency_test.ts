import assert from "node:assert/strict";
import { integration, testDatabase } from "../../testing/mod.ts";
import { booking, seedCatalogue, seedUnit, testApp } from "../../testing/app.ts";

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
  const seatsOn = (seats: string[]) => [
    { resourceId: showId, from: "2030-06-02", to: "2030-06-03", seats },
  ];
  try {
    // Half ask for A3 alone, half for A3 with A4: every request wants A3.
    const asks = Array.from({ length: 200 }, (_, i) => (i % 2 ? ["A3"] : ["A3", "A4"]));
    const results = await Promise.all(
      asks.map((seats, i) =>
        call("POST", "/v1/reservations", booking(propertyId, seatsOn(seats)), {
          "idempotency-key": `seat-${i}`,
        })
      ),
    );
    const won = results.flatMap((r, i) => (r.status === 201 ? [{ r, asked: asks[i] }] : []));
    assert.equal(won.length, 1, "one request gets the seat");
    assert.ok(results.every((r) => r.status === 201 || r.body.code === "sold_out"));
    // The winner holds what it asked for; every other seat is still offered and can be booked:
    // the losers, half of which asked for A4 too, left nothing held behind.
    const [{ r, asked }] = won;
    const held = await call("GET", `/v1/reservations/${r.body.id}`);
    assert.deepEqual(held.body.items[0].seats, asked);
    const free = ["A1", "A2", "A3", "A4"].filter((s) => !asked.includes(s));
    const avail = await call(
      "GET",
      `/v1/availability?propertyId=${propertyId}&resourceId=${showId}&from=2030-06-02&to=2030-06-03`,
    );
    assert.deepEqual(avail.body.resources[0].dates[0].freeSeats, free);
    const rest = await call("POST", "/v1/reservations", booking(propertyId, seatsOn(free)), {
      "idempotency-key": "seat-rest",
    });
    assert.equal(rest.status, 201, JSON.stringify(rest.body));
  } finally {
    await db.drop();
  }
});

integration(
  "concurrency: multi-resource, multi-date bookings in opposite orders do not deadlock",
  async () => {
    const db = await testDatabase();
    const { call } = testApp(db.sql);
    const { propertyId, roomId } = await seedCatalogue(call, { rooms: 1000 });
    const unitId = await seedUnit(call, propertyId, 1000);
    try {
      const forward = [
        { resourceId: roomId, from: "2030-06-01", to: "2030-06-07" },
        { resourceId: unitId, from: "2030-06-01", to: "2030-06-07" },
      ];
      const backward = [...forward].reverse();
      const results = await Promise.all(
        Array.from(
          { length: 120 },
          (_, i) =>
            call("POST", "/v1/reservations", booking(propertyId, i % 2 ? forward : backward), {
              "idempotency-key": `order-${i}`,
            }),
        ),
      );
      // A deadlock would have rolled a booking back (503 unavailable): every one is placed.
      assert.deepEqual(results.filter((r) => r.status !== 201).map((r) => r.body), []);
      // And each took its units on every night of both resources, none elsewhere.
      for (const resourceId of [roomId, unitId]) {
        const avail = await call(
          "GET",
          `/v1/availability?propertyId=${propertyId}&resourceId=${resourceId}&from=2030-06-01&to=2030-06-08`,
        );
        assert.deepEqual(
          avail.body.resources[0].dates.map((d: { available: number }) => d.available),
          [880, 880, 880, 880, 880, 880, 1000],
        );
      }
    } finally {
      await db.drop();
    }
  },
);
