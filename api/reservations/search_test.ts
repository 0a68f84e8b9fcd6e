import assert from "node:assert/strict";
import { integration, testDatabase } from "../../testing/mod.ts";
import { booking, seedCatalogue, testApp, TestClock } from "../../testing/app.ts";

/** The morning of 1 June 2030 in Amsterdam: the seeded rooms start today. */
const MORNING = Date.parse("2030-06-01T08:00:00Z");

type Call = ReturnType<typeof testApp>["call"];

/** Books `items` for `email` a second after the last booking; returns the 201's body. */
async function book(
  call: Call,
  clock: TestClock,
  propertyId: string,
  items: unknown[],
  email = "ada@example.com",
  key?: string,
) {
  clock.advance(1000);
  const r = await call(
    "POST",
    "/v1/reservations",
    { ...booking(propertyId, items), guest: { name: "A guest", email } },
    { "idempotency-key": crypto.randomUUID() },
    key,
  );
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

integration("search: the desk finds a property's reservations by what it knows", async (t) => {
  const db = await testDatabase();
  const clock = new TestClock(MORNING);
  const { call } = testApp(db.sql, { clock });
  const { propertyId, roomId, showId } = await seedCatalogue(call);
  const room = (from: string, to: string) => [{ resourceId: roomId, from, to }];
  try {
    const a = await book(call, clock, propertyId, room("2030-06-01", "2030-06-03"));
    const b = await book(
      call,
      clock,
      propertyId,
      room("2030-06-02", "2030-06-04"),
      "Grace.Hopper@Example.org",
    );
    const seat = [{ resourceId: showId, from: "2030-06-03", to: "2030-06-04", seats: ["A1"] }];
    const c = await book(call, clock, propertyId, seat);
    const d = await book(call, clock, propertyId, room("2030-06-01", "2030-06-02"));
    clock.advance(60_000);
    const cancelledAt = clock.now();
    assert.equal((await call("POST", `/v1/reservations/${d.id}/cancel`)).status, 200);
    const search = async (query: string) => {
      const r = await call("GET", `/v1/properties/${propertyId}/reservations?${query}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.items.map((i: { id: string }) => i.id);
    };

    await t.step("by confirmation number, typed in lower case", async () => {
      assert.deepEqual(
        await search(`confirmationNumber=${b.confirmationNumber.toLowerCase()}`),
        [b.id],
      );
      const r = await call(
        "GET",
        `/v1/properties/${propertyId}/reservations?confirmationNumber=${b.confirmationNumber}`,
      );
      assert.equal(r.body.items[0].guest.email, "Grace.Hopper@Example.org");
      assert.equal(r.body.items[0].total, 2 * 12000);
      assert.equal(r.body.next, null);
    });

    await t.step("by guest e-mail, whatever its case", async () => {
      assert.deepEqual(await search("email=grace.hopper%40example.ORG"), [b.id]);
      assert.deepEqual(await search("email=nobody%40example.org"), []);
    });

    await t.step("arriving today, departing on a date, staying a night, a range", async () => {
      assert.deepEqual(await search("arrival=today"), [a.id, d.id]);
      assert.deepEqual(await search("arrival=today&status=pending"), [a.id]);
      assert.deepEqual(await search("departure=2030-06-04"), [b.id, c.id]);
      assert.deepEqual(await search("staying=2030-06-02"), [a.id, b.id]);
      assert.deepEqual(await search("staying=today"), [a.id, d.id]);
      assert.deepEqual(await search("from=2030-06-03&to=2030-06-05"), [b.id, c.id]);
    });

    await t.step("by status, one or several", async () => {
      assert.deepEqual(await search("status=cancelled"), [d.id]);
      assert.deepEqual(await search("status=pending,cancelled"), [a.id, b.id, c.id, d.id]);
    });

    await t.step("changed since a moment", async () => {
      const since = new Date(cancelledAt.getTime() - 1000).toISOString();
      assert.deepEqual(await search(`updatedSince=${since}`), [d.id]);
      assert.deepEqual(await search(`updatedSince=2030-06-01T00:00:00%2B02:00`), [
        a.id,
        b.id,
        c.id,
        d.id,
      ]);
    });

    await t.step("a bad filter or cursor is 400 naming it; an unknown property 404", async () => {
      for (
        const [query, path] of [
          ["cursor=bm90LWEtY3Vyc29y", "query.cursor"],
          ["cursor=%25%25", "query.cursor"],
          ["status=booked", "query.status"],
          ["arrival=2030-02-30", "query.arrival"],
          ["from=2030-06-05&to=2030-06-01", "query.to"],
          ["limit=0", "query.limit"],
          ["updatedSince=yesterday", "query.updatedSince"],
          ["updatedSince=0000-01-01T00:00:00Z", "query.updatedSince"],
          ["guest=ada", "query"],
        ]
      ) {
        const r = await call("GET", `/v1/properties/${propertyId}/reservations?${query}`);
        assert.equal(r.status, 400, query);
        assert.equal(r.body.code, "validation_failed", query);
        assert.ok(
          r.body.errors.some((e: { path: string }) => e.path === path),
          `${query}: ${JSON.stringify(r.body.errors)}`,
        );
      }
      const r = await call("GET", "/v1/properties/p_nowhere/reservations");
      assert.equal(r.status, 404);
      assert.equal(r.body.code, "not_found");
    });
  } finally {
    await db.drop();
  }
});

integration("search: a cursor walks every page once while new bookings arrive", async () => {
  const db = await testDatabase();
  const clock = new TestClock(MORNING);
  const { call } = testApp(db.sql, { clock });
  const { propertyId, roomId } = await seedCatalogue(call);
  const stay = [{ resourceId: roomId, from: "2030-06-04", to: "2030-06-05" }];
  try {
    const before: string[] = [];
    for (let i = 0; i < 7; i++) before.push((await book(call, clock, propertyId, stay)).id);
    const seen: string[] = [];
    const arrived: string[] = [];
    let url: string | null = `/v1/properties/${propertyId}/reservations?limit=3&arrival=2030-06-04`;
    let pages = 0;
    while (url) {
      const r = await call("GET", url);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.ok(r.body.items.length <= 3);
      seen.push(...r.body.items.map((i: { id: string }) => i.id));
      if (r.body.next) {
        assert.equal(r.headers.get("link"), `<${r.body.next}>; rel="next"`);
        assert.ok(r.body.next.includes(`cursor=${r.body.nextCursor}`));
        assert.ok(r.body.next.includes("arrival=2030-06-04"), "the filter stays on the link");
      } else {
        assert.equal(r.headers.get("link"), null);
      }
      url = r.body.next;
      if (++pages <= 2) {
        // Bookings made while the desk pages land after what it has seen.
        arrived.push((await book(call, clock, propertyId, stay)).id);
      }
    }
    assert.equal(new Set(seen).size, seen.length, "no reservation twice");
    assert.deepEqual(seen, [...before, ...arrived], "every one, in booking order");
    assert.ok(pages >= 3);
    // A stay filter pages the same way (its rows are picked by the departure index first).
    const staying: string[] = [];
    url = `/v1/properties/${propertyId}/reservations?limit=2&staying=2030-06-04`;
    while (url) {
      const r = await call("GET", url);
      staying.push(...r.body.items.map((i: { id: string }) => i.id));
      url = r.body.next;
    }
    assert.deepEqual(staying, seen);
  } finally {
    await db.drop();
  }
});

integration("search: a client key finds only the bookings it made", async () => {
  const db = await testDatabase();
  const clock = new TestClock(MORNING);
  const { call } = testApp(db.sql, { clock });
  const { propertyId, roomId } = await seedCatalogue(call);
  const stay = [{ resourceId: roomId, from: "2030-06-02", to: "2030-06-03" }];
  try {
    const key = async (name: string) =>
      (await call("POST", "/v1/api-keys", { name, role: "client" })).body.key as string;
    const [mine, theirs] = [await key("desk"), await key("channel manager")];
    const own = await book(call, clock, propertyId, stay, "ada@example.com", mine);
    const other = await book(call, clock, propertyId, stay, "grace@example.org", theirs);
    const search = async (query: string, as?: string) =>
      (await call("GET", `/v1/properties/${propertyId}/reservations?${query}`, undefined, {}, as))
        .body.items.map((i: { id: string }) => i.id);
    assert.deepEqual(await search("", mine), [own.id]);
    assert.deepEqual(await search("", theirs), [other.id]);
    assert.deepEqual(await search(`confirmationNumber=${other.confirmationNumber}`, mine), []);
    assert.deepEqual(await search("email=grace%40example.org", mine), []);
    assert.deepEqual(await search(""), [own.id, other.id], "an admin key sees both");
  } finally {
    await db.drop();
  }
});
