import assert from "node:assert/strict";
import { integration, testDatabase } from "../testing/mod.ts";
import type { Sql } from "../shared/db/mod.ts";
import { booking, seedCatalogue, testApp, TestClock } from "../testing/app.ts";

type Response = Awaited<ReturnType<ReturnType<typeof testApp>["call"]>>;

/** A 400 `validation_failed` problem that names `field`. */
function assertRefused(r: Response, field: string, what: string) {
  assert.equal(r.status, 400, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  assert.equal(r.headers.get("content-type"), "application/problem+json", what);
  assert.equal(r.body.code, "validation_failed", what);
  const paths = r.body.errors.map((e: { path: string }) => e.path);
  assert.ok(paths.includes(field), `${what}: ${field} not in ${JSON.stringify(r.body.errors)}`);
}

/** Row counts of everything a refused request could have written. */
async function written(sql: Sql) {
  const [counts] = await sql`
    select (select count(*) from inventory)::int as inventory,
      (select count(*) from reservations)::int as reservations,
      (select count(*) from reservation_items)::int as items,
      (select count(*) from outbox)::int as outbox,
      (select count(*) from idempotency_keys)::int as idempotency`;
  return counts;
}

/** A date the platform does not take, a range far too wide, and a range too long. */
const ranges = [
  { name: "year 0000", from: "0000-01-01", to: "0000-01-02", field: "from" },
  { name: "0001-01-01..9999-12-31", from: "0001-01-01", to: "9999-12-31", field: "from" },
  { name: "2000-01-01..2199-12-31", from: "2000-01-01", to: "2199-12-31", field: "to" },
];

integration(
  "dates: out-of-window dates and too-long ranges are 400 and write nothing",
  async () => {
    const db = await testDatabase();
    const { call } = testApp(db.sql);
    try {
      const { propertyId, roomId } = await seedCatalogue(call);
      const stay = { resourceId: roomId, from: "2030-06-01", to: "2030-06-03", quantity: 1 };
      const booked = await call("POST", "/v1/reservations", booking(propertyId, [stay]), {
        "idempotency-key": "dates-ok",
      });
      assert.equal(booked.status, 201, JSON.stringify(booked.body));
      const before = await written(db.sql);
      const resource = `/v1/properties/${propertyId}/resources/${roomId}`;

      for (const { name, from, to, field } of ranges) {
        const range = `from=${from}&to=${to}`;
        const item = { resourceId: roomId, from, to, quantity: 1 };
        assertRefused(
          await call("PUT", `${resource}/inventory`, { from, to, total: 5, price: 100 }),
          field,
          `inventory ${name}`,
        );
        assertRefused(
          await call("GET", `/v1/availability?propertyId=${propertyId}&${range}`),
          `query.${field}`,
          `availability ${name}`,
        );
        assertRefused(
          await call("POST", "/v1/reservations", booking(propertyId, [item]), {
            "idempotency-key": `dates-${from}-${to}`,
          }),
          `items.0.${field}`,
          `booking ${name}`,
        );
        assertRefused(
          await call("PATCH", `/v1/reservations/${booked.body.id}`, { items: [item] }),
          `items.0.${field}`,
          `modify ${name}`,
        );
        assertRefused(
          await call("GET", `/v1/properties/${propertyId}/kpis?${range}`),
          `query.${field}`,
          `kpis ${name}`,
        );
        assertRefused(
          await call("GET", `${resource}/rates?${range}`),
          `query.${field}`,
          `rates ${name}`,
        );
      }

      assert.deepEqual(await written(db.sql), before);
      const kept = await call("GET", `/v1/reservations/${booked.body.id}`);
      assert.deepEqual(
        kept.body.items.map((i: { from: string; to: string }) => [i.from, i.to]),
        [[stay.from, stay.to]],
      );
    } finally {
      await db.drop();
    }
  },
);

integration("dates: the first and last days of the window are taken", async () => {
  const db = await testDatabase();
  // On the window's first day, so that it is not already past at the property.
  const { call } = testApp(db.sql, { clock: new TestClock(Date.parse("2000-01-01T12:00:00Z")) });
  try {
    const { propertyId, roomId } = await seedCatalogue(call);
    const resource = `/v1/properties/${propertyId}/resources/${roomId}`;
    for (const [from, to] of [["2000-01-01", "2000-01-02"], ["2199-12-30", "2199-12-31"]]) {
      const put = await call("PUT", `${resource}/inventory`, { from, to, total: 3, price: 100 });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      const avail = await call(
        "GET",
        `/v1/availability?propertyId=${propertyId}&resourceId=${roomId}&from=${from}&to=${to}`,
      );
      assert.deepEqual(
        avail.body.resources[0].dates.map((d: { date: string; total: number }) => [
          d.date,
          d.total,
        ]),
        [[from, 3]],
      );
    }
  } finally {
    await db.drop();
  }
});
