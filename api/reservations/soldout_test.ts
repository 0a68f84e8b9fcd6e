import assert from "node:assert/strict";
import { integration, testDatabase } from "../../testing/mod.ts";
import { SoldOutCache } from "../../shared/booking/mod.ts";
import { sleep } from "../../shared/time/mod.ts";
import { booking, seedCatalogue, testApp } from "../../testing/app.ts";

integration(
  "sold-out memory: answered without inventory for its bound, a release forgets",
  async () => {
    const db = await testDatabase();
    const { call } = testApp(db.sql, { soldOut: new SoldOutCache(500) });
    try {
      const { propertyId, roomId } = await seedCatalogue(call, { rooms: 1 });
      const night = [{ resourceId: roomId, from: "2030-06-01", to: "2030-06-02" }];
      const body = booking(propertyId, night);
      const book = (key: string) =>
        call("POST", "/v1/reservations", body, { "idempotency-key": key });
      const last = await book("last");
      assert.equal(last.status, 201);
      const first = await book("a");
      assert.equal(first.status, 409);
      assert.equal(first.body.code, "sold_out");
      // A room appears behind the api's back: within the bound the memory still says sold out...
      await db.sql`update inventory set total = 2 where resource_id = ${roomId}`;
      assert.equal((await book("b")).body.code, "sold_out");
      // ...but an idempotent replay still gets its first answer.
      const replay = await book("last");
      assert.equal(replay.status, 201, JSON.stringify(replay.body));
      assert.equal(replay.body.id, last.body.id);
      // After the bound, inventory is read again.
      await sleep(550);
      assert.equal((await book("c")).status, 201);
      assert.equal((await book("d")).body.code, "sold_out");
      // A cancellation by this process frees the room at once.
      assert.equal((await call("POST", `/v1/reservations/${last.body.id}/cancel`, {})).status, 200);
      assert.equal((await book("e")).status, 201);
    } finally {
      await db.drop();
    }
  },
);
