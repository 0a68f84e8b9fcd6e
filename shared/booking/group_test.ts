import assert from "node:assert/strict";
import { integration, testDatabase } from "../../testing/mod.ts";
import { booking, seedCatalogue, testApp } from "../../testing/app.ts";
import { groupCommitOf } from "./group.ts";

integration(
  "group commit: bookings arriving together share a commit, each its own answer",
  async () => {
    const db = await testDatabase();
    const { call } = testApp(db.sql);
    try {
      const { propertyId, roomId } = await seedCatalogue(call, { rooms: 10 });
      const batches: number[] = [];
      groupCommitOf(db.sql).onBatch = (n) => batches.push(n);
      const nights = [{ resourceId: roomId, from: "2030-06-01", to: "2030-06-02" }];
      const results = await Promise.all(
        Array.from(
          { length: 30 },
          (_, i) =>
            call("POST", "/v1/reservations", booking(propertyId, nights), {
              "idempotency-key": `k-${i}`,
            }),
        ),
      );
      const created = results.filter((r) => r.status === 201);
      assert.equal(new Set(created.map((r) => r.body.id)).size, 10, "ten rooms, ten reservations");
      const soldOut = results.filter((r) => r.status === 409 && r.body.code === "sold_out");
      assert.equal(soldOut.length, 20);
      const [inv] = await db.sql`select held from inventory
      where resource_id = ${roomId} and date = '2030-06-01'`;
      assert.equal(inv.held, 10);
      assert.ok(Math.max(...batches) > 1, `batches of ${batches.join(", ")}`);
    } finally {
      await db.drop();
    }
  },
);
