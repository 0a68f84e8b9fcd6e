import assert from "node:assert/strict";
import { integration, testDatabase } from "../../testing/mod.ts";
import { MAX_PRICE } from "../../shared/booking/mod.ts";
import { seedCatalogue, testApp } from "../../testing/app.ts";

integration(
  "money limits: a price or rate bound above MAX_PRICE is 400 and writes nothing",
  async (t) => {
    const db = await testDatabase();
    const { call } = testApp(db.sql);
    try {
      const { propertyId, roomId } = await seedCatalogue(call);
      const base = `/v1/properties/${propertyId}/resources/${roomId}`;
      const prices = async () =>
        (await call(
          "GET",
          `/v1/availability?propertyId=${propertyId}&resourceId=${roomId}&from=2030-06-01&to=2030-06-03`,
        )).body.resources[0].dates.map((d: { price: number }) => d.price);

      await t.step("inventory: price above the limit, old and new dates untouched", async () => {
        const r = await call("PUT", `${base}/inventory`, {
          from: "2030-06-01",
          to: "2030-06-10",
          total: 10,
          price: MAX_PRICE + 1,
        });
        assert.equal(r.status, 400);
        assert.equal(r.body.code, "validation_failed");
        assert.deepEqual(r.body.errors.map((e: { path: string }) => e.path), ["price"]);
        assert.deepEqual(await prices(), [12000, 12000]);
        const [{ n }] = await db.sql`
        select count(*)::int as n from inventory where resource_id = ${roomId}`;
        assert.equal(n, 7, "no date added");
      });

      await t.step("inventory: the limit itself is accepted and read back exactly", async () => {
        const r = await call("PUT", `${base}/inventory`, {
          from: "2030-06-02",
          to: "2030-06-03",
          price: MAX_PRICE,
        });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.dates[0].price, MAX_PRICE);
        assert.deepEqual(await prices(), [12000, MAX_PRICE]);
      });

      await t.step("rate rules: floor or ceiling above the limit", async () => {
        for (
          const [field, body] of [
            ["floor", { tiers: [], floor: MAX_PRICE + 1, ceiling: MAX_PRICE + 1 }],
            ["ceiling", { tiers: [], floor: 0, ceiling: MAX_PRICE + 1 }],
          ] as const
        ) {
          const r = await call("PUT", `${base}/rate-rules`, body);
          assert.equal(r.status, 400, field);
          assert.equal(r.body.code, "validation_failed");
          assert.ok(r.body.errors.some((e: { path: string }) => e.path === field), field);
        }
        assert.equal((await call("GET", `${base}/rate-rules`)).status, 404, "no rules stored");
      });
    } finally {
      await db.drop();
    }
  },
);
