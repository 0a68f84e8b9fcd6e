import assert from "node:assert/strict";
import { integration, testDatabase } from "../../testing/mod.ts";
import { booking, seedCatalogue, testApp, TestClock } from "../../testing/app.ts";
import { canonicalJson } from "./idempotency.ts";

Deno.test("idempotency: canonical JSON ignores key order", () => {
  assert.equal(
    canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }),
    canonicalJson({ a: [{ c: 3, d: 2 }], b: 1 }),
  );
});

integration(
  "idempotency: replay, conflict, required header, concurrent retries, expiry",
  async (t) => {
    const db = await testDatabase();
    const clock = new TestClock();
    const { call } = testApp(db.sql, { clock, env: { BERTH_IDEMPOTENCY_TTL_HOURS: "1" } });
    const { propertyId, roomId } = await seedCatalogue(call);
    const body = booking(propertyId, [{
      resourceId: roomId,
      from: "2030-06-01",
      to: "2030-06-02",
    }]);
    const count = async () => (await db.sql`select count(*)::int as n from reservations`)[0].n;
    try {
      await t.step("no key: 400", async () => {
        const r = await call("POST", "/v1/reservations", body);
        assert.equal(r.status, 400);
        assert.equal(r.body.code, "validation_failed");
        assert.equal(r.body.errors[0].path, "Idempotency-Key");
      });
      let first: { id: string };
      await t.step("same key and body: the first answer again, one booking", async () => {
        const a = await call("POST", "/v1/reservations", body, { "idempotency-key": "same" });
        const b = await call("POST", "/v1/reservations", body, { "idempotency-key": "same" });
        assert.equal(a.status, 201);
        assert.equal(b.status, 201);
        assert.deepEqual(b.body, a.body);
        assert.equal(b.headers.get("idempotent-replayed"), "true");
        assert.equal(await count(), 1);
        first = a.body;
      });
      await t.step("same key, other body: 409 idempotency_conflict", async () => {
        const r = await call("POST", "/v1/reservations", { ...body, userId: "someone-else" }, {
          "idempotency-key": "same",
        });
        assert.equal(r.status, 409);
        assert.equal(r.body.code, "idempotency_conflict");
      });
      await t.step("keys are per API key", async () => {
        const k = await call("POST", "/v1/api-keys", { name: "travel desk", role: "client" });
        const r = await call(
          "POST",
          "/v1/reservations",
          body,
          { "idempotency-key": "same" },
          k.body.key,
        );
        assert.equal(r.status, 201);
        assert.notEqual(r.body.id, first.id);
      });
      await t.step("20 concurrent retries of one key make one booking", async () => {
        const before = await count();
        const rs = await Promise.all(
          Array.from(
            { length: 20 },
            () => call("POST", "/v1/reservations", body, { "idempotency-key": "burst" }),
          ),
        );
        assert.equal(await count(), before + 1);
        assert.deepEqual([
          ...new Set(rs.map((r) => r.status)),
        ], [201]);
        assert.equal(new Set(rs.map((r) => r.body.id)).size, 1);
      });
      await t.step("an expired key books anew", async () => {
        clock.advance(61 * 60_000);
        const r = await call("POST", "/v1/reservations", body, { "idempotency-key": "same" });
        assert.equal(r.status, 201);
        assert.notEqual(r.body.id, first.id);
      });
    } finally {
      await db.drop();
    }
  },
);
