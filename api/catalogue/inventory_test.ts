import assert from "node:assert/strict";
import { integration, testDatabase } from "../../testing/mod.ts";
import { booking, seedCatalogue, testApp } from "../../testing/app.ts";

integration("inventory: two admins set one range, the second one's stale PUT is 412", async () => {
  const db = await testDatabase();
  const { call } = testApp(db.sql);
  try {
    const { propertyId, roomId } = await seedCatalogue(call);
    const url = `/v1/properties/${propertyId}/resources/${roomId}/inventory`;
    const range = { from: "2030-06-01", to: "2030-06-04" };
    const read = () => call("GET", `${url}?from=${range.from}&to=${range.to}`);

    const first = await read();
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.dates[0], { date: "2030-06-01", total: 10, price: 12000 });
    const tag = first.headers.get("etag")!;
    assert.match(tag, /^"[0-9a-f]+"$/);

    // A booking takes rooms but sets nothing: the tag stands.
    const r = await call(
      "POST",
      "/v1/reservations",
      booking(propertyId, [{ resourceId: roomId, from: "2030-06-01", to: "2030-06-02" }]),
      { "idempotency-key": "inventory-etag" },
    );
    assert.equal(r.status, 201);
    assert.equal((await read()).headers.get("etag"), tag);

    const one = await call("PUT", url, { ...range, total: 12, price: 13000 }, { "if-match": tag });
    assert.equal(one.status, 200, JSON.stringify(one.body));
    const now = one.headers.get("etag");
    assert.notEqual(now, tag);
    assert.equal((await read()).headers.get("etag"), now, "the PUT's tag is the range's");

    const two = await call("PUT", url, { ...range, total: 8, price: 9000 }, { "if-match": tag });
    assert.equal(two.status, 412);
    assert.equal(two.body.code, "precondition_failed");
    const after = (await read()).body.dates;
    assert.deepEqual(after.map((d: { total: number }) => d.total), [12, 12, 12]);
    assert.deepEqual(after.map((d: { price: number }) => d.price), [13000, 13000, 13000]);

    const bogus = await call("PUT", url, { ...range, price: 9000 }, { "if-match": '"bogus"' });
    assert.equal(bogus.status, 412);
    const none = await call("PUT", url, { ...range, price: 9000 });
    assert.equal(none.status, 200, "If-Match is not required");

    const missing = await call(
      "GET",
      `/v1/properties/${propertyId}/resources/r_none/inventory?${new URLSearchParams(range)}`,
    );
    assert.equal(missing.status, 404);
  } finally {
    await db.drop();
  }
});
