import assert from "node:assert/strict";
import { integration, testDatabase } from "../testing/mod.ts";
import { uuidv7 } from "../shared/ids/mod.ts";
import { booking, seedCatalogue, testApp } from "../testing/app.ts";

type Call = ReturnType<typeof testApp>["call"];

/** Every id of a list, followed page by page through its `next` links. */
async function walk(call: Call, path: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let url: string | null = `${path}${path.includes("?") ? "&" : "?"}limit=${limit}`;
  for (let pages = 0; url; pages++) {
    assert.ok(pages < 50, `${path} does not end`);
    const r = await call("GET", url);
    assert.equal(r.status, 200, `${url}: ${JSON.stringify(r.body)}`);
    assert.ok(r.body.items.length <= limit, `${url} honours limit`);
    ids.push(...r.body.items.map((i: { id: string | number }) => String(i.id)));
    url = r.body.next;
  }
  return ids;
}

/** The ids of a list in one page of 200. */
async function whole(call: Call, path: string): Promise<string[]> {
  const r = await call("GET", `${path}${path.includes("?") ? "&" : "?"}limit=200`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.next, null);
  return r.body.items.map((i: { id: string | number }) => String(i.id));
}

integration("lists: GET /v1/properties?limit=1 gives one property and a next cursor", async () => {
  const db = await testDatabase();
  const { call } = testApp(db.sql);
  try {
    for (const name of ["North", "South", "East"]) {
      await call("POST", "/v1/properties", { name, timezone: "UTC", currency: "EUR" });
    }
    const first = await call("GET", "/v1/properties?limit=1");
    assert.equal(first.status, 200);
    assert.equal(first.body.items.length, 1);
    assert.equal(first.body.items[0].name, "North");
    assert.equal(typeof first.body.nextCursor, "string");
    assert.equal(first.headers.get("link"), `<${first.body.next}>; rel="next"`);
    const second = await call("GET", `/v1/properties?limit=1&cursor=${first.body.nextCursor}`);
    assert.deepEqual(second.body.items.map((p: { name: string }) => p.name), ["South"]);
    const names = [];
    for (const id of await walk(call, "/v1/properties", 2)) {
      names.push((await call("GET", `/v1/properties/${id}`)).body.name);
    }
    assert.deepEqual(names, ["North", "South", "East"]);
  } finally {
    await db.drop();
  }
});

integration("lists: every list pages by cursor, each item once, in one order", async (t) => {
  const db = await testDatabase();
  const { call } = testApp(db.sql);
  const { propertyId, roomId } = await seedCatalogue(call);
  try {
    const checks: string[] = [
      `/v1/properties/${propertyId}/resources`,
      "/v1/api-keys",
      `/v1/properties/${propertyId}/webhooks`,
      `/v1/properties/${propertyId}/reservations`,
      "/v1/users/guest-7/reservations",
      `/v1/audit?propertyId=${propertyId}`,
    ];
    for (let i = 0; i < 4; i++) {
      await call("POST", `/v1/properties/${propertyId}/resources`, {
        name: `Room ${i}`,
        kind: "room",
      });
      await call("POST", "/v1/api-keys", { name: `desk ${i}`, role: "client" });
      await call("POST", `/v1/properties/${propertyId}/webhooks`, {
        url: `https://hooks.example.com/${i}`,
        events: ["reservation.confirmed"],
      });
      const r = await call(
        "POST",
        "/v1/reservations",
        {
          ...booking(propertyId, [{ resourceId: roomId, from: "2030-06-01", to: "2030-06-02" }]),
          userId: "guest-7",
        },
        { "idempotency-key": crypto.randomUUID() },
      );
      assert.equal(r.status, 201);
    }
    // The history and audit projections as their services write them; equal timestamps too,
    // so the id decides the order among them.
    const booked = new Date("2030-05-01T10:00:00Z");
    await db.sql`
      insert into history.user_reservations (reservation_id, property_id, user_id,
        confirmation_number, status, items, date_from, date_to, total, currency, booked_at,
        updated_at)
      select id, property_id, user_id, confirmation_number, status, '[]', '2030-06-01',
        '2030-06-02', total, currency, ${booked}, ${booked}
      from reservations`;
    await db.sql`
      insert into audit.audit_log (chain, position, event_id, event_type, property_id,
        reservation_id, occurred_at, event, event_hash, prev_hash, hash)
      select 'RESERVATIONS:' || property_id, row_number() over (order by id), id,
        'reservation.created', property_id, id, ${booked}, '{}', 'e', 'p', 'h'
      from reservations`;
    const [hook] = await db.sql<{ id: string }[]>`
      select id from notifications.webhook_endpoints order by created_at limit 1`;
    for (let i = 0; i < 5; i++) {
      await db.sql`
        insert into notifications.deliveries (id, channel, endpoint_id, target, property_id,
          event_id, event_type, correlation_id, body, created_at)
        values (${uuidv7()}, 'webhook', ${hook.id}, 'https://hooks.example.com/0',
          ${propertyId}, ${uuidv7()}, 'reservation.confirmed', 'c', '{}',
          ${i < 3 ? booked : new Date()})`;
    }
    checks.push(`/v1/webhooks/${hook.id}/deliveries`);
    for (const path of checks) {
      await t.step(path, async () => {
        const all = await whole(call, path);
        assert.ok(all.length >= 4, `${path} has ${all.length}`);
        for (const limit of [1, 3]) assert.deepEqual(await walk(call, path, limit), all);
      });
    }
    await t.step("a cursor of another list or a tampered one is 400", async () => {
      const keys = await call("GET", "/v1/api-keys?limit=1");
      const resources = await call("GET", `/v1/properties/${propertyId}/resources?limit=1`);
      for (
        const url of [
          `/v1/properties/${propertyId}/reservations?cursor=${resources.body.nextCursor}`,
          `/v1/audit?cursor=${keys.body.nextCursor}`,
          `/v1/properties?cursor=${btoa(JSON.stringify(["2030-13-01T00:00:00.000000Z", "x"]))}`,
          `/v1/properties?cursor=${"A".repeat(601)}`,
          `/v1/api-keys?cursor=${btoa(JSON.stringify(["2030-01-01T00:00:00.000000Z", "a\u0000"]))}`,
        ]
      ) {
        const r = await call("GET", url);
        assert.equal(r.status, 400, url);
        assert.equal(r.body.code, "validation_failed");
      }
    });
  } finally {
    await db.drop();
  }
});
