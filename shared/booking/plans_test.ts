/**
 * The booking write path reads inventory and seat holds by key, whatever their size: a booking
 * that scanned the whole inventory table would cost more with every property and date added.
 */
import assert from "node:assert/strict";
import { integration, testDatabase } from "../../testing/mod.ts";
import { booking, seedCatalogue, testApp } from "../../testing/app.ts";
import { connectDb } from "../db/mod.ts";

integration(
  "booking: placing and cancelling read inventory and seats by key, not by scan",
  async () => {
    const db = await testDatabase();
    // One connection, so the statistics of what the api ran can be flushed from it.
    const sql = connectDb(db.url, { max: 1 });
    try {
      const { call } = testApp(sql);
      const { propertyId, roomId, showId } = await seedCatalogue(call);
      // Other properties' inventory: 20,000 (resource, date) rows.
      await db.sql`insert into properties (id, name, timezone, currency)
      select 'p-fill-' || i, 'Filler ' || i, 'UTC', 'EUR' from generate_series(1, 20) i`;
      await db.sql`insert into resources (id, property_id, name, kind)
      select 'r-fill-' || i, 'p-fill-' || (i % 20 + 1), 'Room', 'room' from generate_series(1, 200) i`;
      await db.sql`insert into inventory (resource_id, date, total, price)
      select 'r-fill-' || i, date '2030-01-01' + d, 10, 10000
      from generate_series(1, 200) i, generate_series(0, 99) d`;
      // And 5,000 seat holds, of a reservation made for the purpose.
      const filler = await call(
        "POST",
        "/v1/reservations",
        booking(propertyId, [{ resourceId: roomId, from: "2030-06-06", to: "2030-06-07" }]),
        { "idempotency-key": "plans-filler" },
      );
      assert.equal(filler.status, 201, JSON.stringify(filler.body));
      await db.sql`insert into seats (resource_id, seat)
      select 'r-fill-1', 'S' || n from generate_series(1, 100) n`;
      await db.sql`insert into seat_holds (resource_id, date, seat, reservation_id)
      select 'r-fill-1', date '2030-01-01' + d, 'S' || n, ${filler.body.id}
      from generate_series(1, 100) n, generate_series(0, 49) d`;
      await db.sql`analyze`;
      const scans = async () => {
        await sql`select pg_stat_force_next_flush()`;
        const rows = await db.sql<{ relname: string; seq_scan: number }[]>`
        select relname, seq_scan::int from pg_stat_user_tables
        where relname in ('inventory', 'seat_holds') order by relname`;
        return Object.fromEntries(rows.map((r) => [r.relname, r.seq_scan]));
      };
      const before = await scans();

      const placed = await call(
        "POST",
        "/v1/reservations",
        booking(propertyId, [
          { resourceId: roomId, from: "2030-06-01", to: "2030-06-04", quantity: 2 },
          { resourceId: showId, from: "2030-06-02", to: "2030-06-03", seats: ["A1", "A2"] },
        ]),
        { "idempotency-key": "plans-1" },
      );
      assert.equal(placed.status, 201, JSON.stringify(placed.body));
      const cancelled = await call("POST", `/v1/reservations/${placed.body.id}/cancel`);
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));

      assert.deepEqual(await scans(), before, "sequential scans of inventory or seat_holds");
    } finally {
      await sql.end();
      await db.drop();
    }
  },
);
