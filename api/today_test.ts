import assert from "node:assert/strict";
import { integration, testDatabase } from "../testing/mod.ts";
import { changeStatus } from "../shared/booking/mod.ts";
import { booking, testApp, TestClock } from "../testing/app.ts";

type Call = ReturnType<typeof testApp>["call"];

/**
 * 13:00 UTC on 1 June 2030: already 2 June in Auckland (UTC+12), still 1 June in UTC.
 * 03:00 UTC on 1 June 2030: still 31 May in Los Angeles (UTC-7), already 1 June in UTC.
 */
const aucklandNextDay = Date.parse("2030-06-01T13:00:00Z");
const losAngelesDayBefore = Date.parse("2030-06-01T03:00:00Z");

/** A hotel in `timezone` with 5 rooms a night from 25 May to 10 June 2030, set up in May. */
async function hotel(call: Call, clock: TestClock, timezone: string) {
  const t = clock.t;
  clock.t = Date.parse("2030-05-01T12:00:00Z");
  const p = await call("POST", "/v1/properties", {
    name: `Hotel ${timezone}`,
    timezone,
    currency: "EUR",
  });
  const room = await call("POST", `/v1/properties/${p.body.id}/resources`, {
    name: "Double room",
    kind: "room",
  });
  const inventory = `/v1/properties/${p.body.id}/resources/${room.body.id}/inventory`;
  const put = await call("PUT", inventory, {
    from: "2030-05-25",
    to: "2030-06-10",
    total: 5,
    price: 10000,
  });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  clock.t = t;
  return { propertyId: p.body.id as string, roomId: room.body.id as string, inventory };
}

async function book(call: Call, propertyId: string, roomId: string, from: string, to: string) {
  return await call(
    "POST",
    "/v1/reservations",
    booking(propertyId, [{ resourceId: roomId, from, to }]),
    { "idempotency-key": crypto.randomUUID() },
  );
}

/** A 400 `date_in_past` naming `field`. */
function assertPast(r: Awaited<ReturnType<Call>>, field: string, what: string) {
  assert.equal(r.status, 400, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  assert.equal(r.body.code, "date_in_past", what);
  assert.deepEqual(r.body.errors.map((e: { path: string }) => e.path), [field], what);
}

integration("today at the property: no booking, change or inventory of a past date", async (t) => {
  const db = await testDatabase();
  const clock = new TestClock();
  const { call } = testApp(db.sql, { clock });
  const auckland = await hotel(call, clock, "Pacific/Auckland");
  const losAngeles = await hotel(call, clock, "America/Los_Angeles");
  const reservations = async () => (await db.sql`select count(*)::int as n from reservations`)[0].n;
  try {
    await t.step("Auckland: yesterday there is past, although it is today in UTC", async () => {
      clock.t = aucklandNextDay;
      const { propertyId, roomId } = auckland;
      assertPast(
        await book(call, propertyId, roomId, "2030-06-01", "2030-06-03"),
        "items.0.from",
        "a stay from 1 June",
      );
      assertPast(
        await book(call, propertyId, roomId, "2020-06-01", "2020-06-02"),
        "items.0.from",
        "a stay in 2020",
      );
      assert.equal(await reservations(), 0);
      const today = await book(call, propertyId, roomId, "2030-06-02", "2030-06-03");
      assert.equal(today.status, 201, "today there is bookable");
    });

    await t.step("Los Angeles: today there is bookable, although it is past in UTC", async () => {
      clock.t = losAngelesDayBefore;
      const r = await book(
        call,
        losAngeles.propertyId,
        losAngeles.roomId,
        "2030-05-31",
        "2030-06-01",
      );
      assert.equal(r.status, 201, JSON.stringify(r.body));
    });

    await t.step("a change onto a past date is refused and changes nothing", async () => {
      clock.t = aucklandNextDay;
      const { propertyId, roomId } = auckland;
      const r = await book(call, propertyId, roomId, "2030-06-03", "2030-06-05");
      assert.equal(r.status, 201);
      const path = `/v1/reservations/${r.body.id}`;
      assertPast(
        await call("PATCH", path, {
          items: [{ resourceId: roomId, from: "2030-06-01", to: "2030-06-04" }],
        }),
        "items.0.from",
        "a move to 1 June",
      );
      const kept = await call("GET", path);
      assert.deepEqual([kept.body.items[0].from, kept.body.items[0].to], [
        "2030-06-03",
        "2030-06-05",
      ]);
      const moved = await call("PATCH", path, {
        items: [{ resourceId: roomId, from: "2030-06-02", to: "2030-06-04" }],
      });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      assert.equal(moved.body.items[0].from, "2030-06-02");
    });

    await t.step("inventory of a past date is refused and changes nothing", async () => {
      clock.t = aucklandNextDay;
      const before = await db.sql`select date::text, total, price from inventory order by 1`;
      assertPast(
        await call("PUT", auckland.inventory, {
          from: "2030-06-01",
          to: "2030-06-05",
          total: 9,
          price: 1,
        }),
        "from",
        "Auckland from 1 June",
      );
      assertPast(
        await call("PUT", auckland.inventory, {
          from: "2020-01-01",
          to: "2020-02-01",
          total: 9,
          price: 1,
        }),
        "from",
        "2020",
      );
      assert.deepEqual(
        await db.sql`select date::text, total, price from inventory order by 1`,
        before,
      );
      clock.t = losAngelesDayBefore;
      const put = await call("PUT", losAngeles.inventory, {
        from: "2030-05-31",
        to: "2030-06-01",
        total: 6,
        price: 10000,
      });
      assert.equal(put.status, 200, "today in Los Angeles");
    });
  } finally {
    await db.drop();
  }
});

integration("today at the property: no check-in before the arrival date there", async (t) => {
  const db = await testDatabase();
  const clock = new TestClock();
  const { call } = testApp(db.sql, { clock });
  const auckland = await hotel(call, clock, "Pacific/Auckland");
  const losAngeles = await hotel(call, clock, "America/Los_Angeles");
  /** A confirmed stay, booked at the beginning of May. */
  const confirmed = async (h: { propertyId: string; roomId: string }, from: string, to: string) => {
    const t = clock.t;
    clock.t = Date.parse("2030-05-01T12:00:00Z");
    const r = await book(call, h.propertyId, h.roomId, from, to);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    await changeStatus(db.sql, r.body.id, "confirm", {
      now: clock.now(),
      correlationId: "test",
      paymentId: "pay_test",
    });
    clock.t = t;
    return `/v1/reservations/${r.body.id}`;
  };
  try {
    await t.step(
      "Los Angeles: arrival is tomorrow there, although it is today in UTC",
      async () => {
        const path = await confirmed(losAngeles, "2030-06-01", "2030-06-03");
        clock.t = losAngelesDayBefore;
        const early = await call("POST", `${path}/check-in`);
        assert.equal(early.status, 409, JSON.stringify(early.body));
        assert.equal(early.body.code, "too_early");
        assert.equal((await call("GET", path)).body.status, "confirmed");
        clock.t = Date.parse("2030-06-01T07:30:00Z"); // 00:30 on 1 June in Los Angeles
        const r = await call("POST", `${path}/check-in`);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.status, "checked_in");
      },
    );

    await t.step("Auckland: arrival is today there, although it is tomorrow in UTC", async () => {
      const path = await confirmed(auckland, "2030-06-02", "2030-06-04");
      clock.t = aucklandNextDay;
      const r = await call("POST", `${path}/check-in`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.status, "checked_in");
    });

    await t.step("a stay months ahead cannot be checked in", async () => {
      const path = await confirmed(auckland, "2030-06-08", "2030-06-09");
      clock.t = Date.parse("2030-05-02T12:00:00Z");
      const r = await call("POST", `${path}/check-in`);
      assert.equal(r.status, 409);
      assert.equal(r.body.code, "too_early");
    });
  } finally {
    await db.drop();
  }
});
