import assert from "node:assert/strict";
import { integration, testDatabase } from "../../testing/mod.ts";
import { seedCatalogue, testApp } from "../../testing/app.ts";
import { placeBooking } from "./place.ts";
import { prepareBooking } from "./quote.ts";

const ctx = () => ({ now: new Date(), correlationId: "t", holdMinutes: 15, apiKeyId: "k" });
const input = (propertyId: string, roomId: string) => ({
  propertyId,
  userId: "u1",
  guest: { name: "Ada", email: "ada@example.com" },
  items: [{ resourceId: roomId, from: "2030-06-01", to: "2030-06-03" }],
  payment: { token: "tok_ok" },
});

integration(
  "place_hold: a price changed after the quote is quoted again, never booked stale",
  async () => {
    const db = await testDatabase();
    const { call } = testApp(db.sql);
    const { propertyId, roomId } = await seedCatalogue(call, { rooms: 2 });
    try {
      const prepared = await prepareBooking(db.sql, input(propertyId, roomId), 20, new Date());
      const put = await call("PUT", `/v1/properties/${propertyId}/resources/${roomId}/inventory`, {
        from: "2030-06-02",
        to: "2030-06-03",
        price: 15000,
      });
      assert.equal(put.status, 200);
      const view = await placeBooking(db.sql, prepared, ctx());
      assert.equal(view!.total, 12000 + 15000, "the second night at its new price");
      const [row] = await db.sql`select total::int from reservations where id = ${view!.id}`;
      assert.equal(row.total, 27000);
      const [event] = await db.sql`select payload from outbox where type = 'reservation.created'`;
      assert.deepEqual(
        JSON.parse(event.payload).data.rates.map((r: { price: number }) => r.price),
        [
          12000,
          15000,
        ],
      );
    } finally {
      await db.drop();
    }
  },
);

integration(
  "place_hold: sold out under the lock rolls back the claim and everything else",
  async () => {
    const db = await testDatabase();
    const { call } = testApp(db.sql);
    const { propertyId, roomId } = await seedCatalogue(call, { rooms: 1 });
    try {
      // Both quote while the room is free; only the first can take it.
      const first = await prepareBooking(db.sql, input(propertyId, roomId), 20, new Date());
      const second = await prepareBooking(db.sql, input(propertyId, roomId), 20, new Date());
      const key = (k: string) => ({
        apiKeyId: "k",
        key: k,
        requestHash: "h",
        expiresAt: new Date(Date.now() + 3_600_000),
      });
      assert.ok(await placeBooking(db.sql, first, ctx(), key("a")));
      await assert.rejects(
        placeBooking(db.sql, second, ctx(), key("b")),
        (e: Error & { code?: string }) => e.code === "sold_out",
      );
      const [{ n }] = await db.sql`select count(*)::int as n from idempotency_keys where key = 'b'`;
      assert.equal(n, 0, "the failed booking left no claim behind");
      const [{ r }] = await db.sql`select count(*)::int as r from reservations`;
      assert.equal(r, 1);
      // The same key again is a replay (null), not a second booking.
      assert.equal(await placeBooking(db.sql, first, ctx(), key("a")), null);
    } finally {
      await db.drop();
    }
  },
);
