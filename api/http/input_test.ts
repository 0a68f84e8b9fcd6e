import assert from "node:assert/strict";
import { integration, testDatabase } from "../../testing/mod.ts";
import { booking, seedCatalogue, testApp } from "../../testing/app.ts";

type Call = ReturnType<typeof testApp>["call"];

/** Asserts a 400 `validation_failed` problem naming `path` among its field errors. */
function assertInvalid(r: Awaited<ReturnType<Call>>, path: string) {
  assert.equal(r.status, 400, JSON.stringify(r.body));
  assert.equal(r.headers.get("content-type"), "application/problem+json");
  assert.equal(r.body.code, "validation_failed");
  assert.ok(
    r.body.errors.some((e: { path: string }) => e.path === path),
    `${path} in ${JSON.stringify(r.body.errors)}`,
  );
}

integration("input: NUL characters are refused in every text field and path", async () => {
  const db = await testDatabase();
  const { call } = testApp(db.sql);
  try {
    const { propertyId, roomId, showId } = await seedCatalogue(call);
    const count = async () => {
      const [r] = await db.sql`select
        (select count(*)::int from properties) as properties,
        (select count(*)::int from resources) as resources,
        (select count(*)::int from api_keys) as keys,
        (select count(*)::int from notifications.webhook_endpoints) as webhooks,
        (select count(*)::int from reservations) as reservations,
        (select count(*)::int from outbox) as outbox`;
      return r;
    };
    const before = await count();
    const nul = "a\u0000b";
    const room = { resourceId: roomId, from: "2030-06-01", to: "2030-06-02" };
    const book = (patch: object) =>
      call("POST", "/v1/reservations", { ...booking(propertyId, [room]), ...patch }, {
        "idempotency-key": crypto.randomUUID(),
      });

    assertInvalid(
      await call("POST", "/v1/properties", { name: nul, timezone: "UTC", currency: "EUR" }),
      "name",
    );
    assertInvalid(
      await call("POST", `/v1/properties/${propertyId}/resources`, { name: nul, kind: "room" }),
      "name",
    );
    assertInvalid(await call("POST", "/v1/api-keys", { name: nul, role: "client" }), "name");
    const hook = { url: "https://hooks.example.com/x", events: ["reservation.confirmed"] };
    assertInvalid(
      await call("POST", `/v1/properties/${propertyId}/webhooks`, { ...hook, description: nul }),
      "description",
    );
    assertInvalid(
      await call("POST", `/v1/properties/${propertyId}/webhooks`, {
        ...hook,
        url: `https://hooks.example.com/${nul}`,
      }),
      "url",
    );
    assertInvalid(await book({ userId: nul }), "userId");
    assertInvalid(
      await book({ guest: { name: nul, email: "ada@example.com" } }),
      "guest.name",
    );
    assertInvalid(await book({ payment: { token: `tok_ok_${nul}` } }), "payment.token");
    assertInvalid(await call("GET", "/v1/users/%00/reservations"), "param.userId");
    assertInvalid(await call("DELETE", "/v1/api-keys/%00"), "param.id");
    assert.deepEqual(await count(), before, "nothing written");

    const seat = await call("POST", "/v1/reservations", {
      ...booking(propertyId, [{
        resourceId: showId,
        from: "2030-06-01",
        to: "2030-06-02",
        seats: ["A1"],
      }]),
    }, { "idempotency-key": "seat" });
    assert.equal(seat.status, 201);
    const cancel = await call("POST", `/v1/reservations/${seat.body.id}/cancel`, { reason: nul });
    assertInvalid(cancel, "reason");
    assert.equal((await call("GET", `/v1/reservations/${seat.body.id}`)).body.status, "pending");
  } finally {
    await db.drop();
  }
});

integration("input: smaller defects in booking bodies", async (t) => {
  const db = await testDatabase();
  const { call } = testApp(db.sql);
  try {
    const { propertyId, roomId, showId } = await seedCatalogue(call);
    const reservations = async () =>
      (await db.sql`select count(*)::int as n from reservations`)[0].n;
    const room = { resourceId: roomId, from: "2030-06-01", to: "2030-06-02" };
    const book = (body: object) =>
      call("POST", "/v1/reservations", body, { "idempotency-key": crypto.randomUUID() });

    await t.step("the same seat twice in one booking is 400, not sold_out", async () => {
      const before = await reservations();
      const seats = { resourceId: showId, from: "2030-06-02", to: "2030-06-03" };
      assertInvalid(
        await book(booking(propertyId, [{ ...seats, seats: ["A1", "A1"] }])),
        "items.0.seats",
      );
      assertInvalid(
        await book(booking(propertyId, [{ ...seats, seats: ["A2"] }, { ...seats, seats: ["A2"] }])),
        "items.1.seats",
      );
      assert.equal(await reservations(), before, "nothing written");
    });

    await t.step("a userId of up to 128 characters books and has a history", async () => {
      const userId = "u".repeat(128);
      const r = await book({ ...booking(propertyId, [room]), userId });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const history = await call("GET", `/v1/users/${userId}/reservations`);
      assert.equal(history.status, 200, JSON.stringify(history.body));
      assertInvalid(
        await book({ ...booking(propertyId, [room]), userId: "u".repeat(129) }),
        "userId",
      );
    });

    await t.step("e-mail addresses are limited as SMTP limits them", async () => {
      const before = await reservations();
      const guest = (email: string) => ({
        ...booking(propertyId, [room]),
        guest: { name: "Ada", email },
      });
      assertInvalid(await book(guest(`${"a".repeat(65)}@example.com`)), "guest.email");
      assertInvalid(
        await book(
          guest(`ada@${"d".repeat(62)}.${"e".repeat(62)}.${"f".repeat(62)}.${"g".repeat(62)}.com`),
        ),
        "guest.email",
      );
      assert.equal(await reservations(), before, "nothing written");
      const longest = `${"a".repeat(64)}@${"d".repeat(62)}.${"e".repeat(62)}.${"f".repeat(59)}.com`;
      assert.equal(longest.length, 254);
      assert.equal((await book(guest(longest))).status, 201);
    });
  } finally {
    await db.drop();
  }
});

integration("input: a body that is not JSON is 415", async () => {
  const db = await testDatabase();
  const { call } = testApp(db.sql);
  try {
    for (
      const [type, body] of [
        ["text/plain", '{"name":"x","timezone":"UTC","currency":"EUR"}'],
        ["application/x-www-form-urlencoded", "name=x&timezone=UTC&currency=EUR"],
      ]
    ) {
      const r = await call("POST", "/v1/properties", body, { "content-type": type });
      assert.equal(r.status, 415, type);
      assert.equal(r.headers.get("content-type"), "application/problem+json");
      assert.equal(r.body.code, "unsupported_media_type");
      assert.match(r.body.detail, /Content-Type: application\/json/, "says what to send");
    }
    const [{ n }] = await db.sql`select count(*)::int as n from properties`;
    assert.equal(n, 0, "nothing written");
  } finally {
    await db.drop();
  }
});

integration("input: a method a path does not take is 405 with Allow", async () => {
  const db = await testDatabase();
  const { call } = testApp(db.sql);
  try {
    const patch = await call("PATCH", "/v1/properties", { name: "x" });
    assert.equal(patch.status, 405);
    assert.equal(patch.headers.get("content-type"), "application/problem+json");
    assert.equal(patch.body.code, "method_not_allowed");
    assert.equal(patch.headers.get("allow"), "GET, POST");
    const put = await call("PUT", `/v1/reservations/${crypto.randomUUID()}`, {});
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("allow"), "GET, PATCH");
    assert.equal((await call("GET", "/v1/nowhere")).status, 404, "unknown paths stay 404");
  } finally {
    await db.drop();
  }
});

integration(
  "input: an optional body sent empty is no body, whatever its Content-Type",
  async () => {
    const db = await testDatabase();
    const { call } = testApp(db.sql);
    try {
      const { propertyId, roomId } = await seedCatalogue(call);
      const room = { resourceId: roomId, from: "2030-06-01", to: "2030-06-02" };
      const booked = await call("POST", "/v1/reservations", booking(propertyId, [room]), {
        "idempotency-key": "empty-body",
      });
      const cancel = await call("POST", `/v1/reservations/${booked.body.id}/cancel`, "", {
        "content-type": "application/json",
      });
      assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
      assert.equal(cancel.body.status, "cancelled");
    } finally {
      await db.drop();
    }
  },
);
