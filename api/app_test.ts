import assert from "node:assert/strict";
import { integration, testDatabase, testNats } from "../testing/mod.ts";
import { parseScrape, valuesOf } from "../shared/metrics/mod.ts";
import { connectNats } from "../shared/nats/mod.ts";
import { connectDb } from "../shared/db/mod.ts";
import { booking, seedCatalogue, testApp } from "../testing/app.ts";

integration("gateway: keys, roles, revocation", async () => {
  const db = await testDatabase();
  const { call } = testApp(db.sql);
  try {
    const noKey = await call("GET", "/v1/properties", undefined, {}, null);
    assert.equal(noKey.status, 401);
    assert.equal(noKey.body.code, "unauthorized");
    assert.equal(noKey.headers.get("content-type"), "application/problem+json");
    assert.equal((await call("GET", "/v1/properties", undefined, {}, "wrong")).status, 401);

    const created = await call("POST", "/v1/api-keys", { name: "kiosk", role: "client" });
    assert.equal(created.status, 201);
    assert.match(created.body.key, /^bk_/);
    const stored = await db.sql`select key_hash from api_keys where id = ${created.body.id}`;
    assert.notEqual(stored[0].key_hash, created.body.key, "keys are stored hashed");
    const client = created.body.key as string;

    const forbidden = await call(
      "POST",
      "/v1/properties",
      { name: "x", timezone: "UTC", currency: "EUR" },
      {},
      client,
    );
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.code, "forbidden");
    assert.equal(
      (await call("POST", "/v1/api-keys", { name: "y", role: "admin" }, {}, client)).status,
      403,
    );

    // A client sees only its own reservations.
    const { propertyId, roomId } = await seedCatalogue(call);
    const body = booking(propertyId, [{
      resourceId: roomId,
      from: "2030-06-01",
      to: "2030-06-02",
    }]);
    const mine = await call("POST", "/v1/reservations", body, { "idempotency-key": "1" }, client);
    assert.equal(mine.status, 201);
    const adminOwn = await call("POST", "/v1/reservations", body, { "idempotency-key": "2" });
    assert.equal(
      (await call("GET", `/v1/reservations/${mine.body.id}`, undefined, {}, client)).status,
      200,
    );
    assert.equal(
      (await call("GET", `/v1/reservations/${adminOwn.body.id}`, undefined, {}, client)).status,
      404,
    );
    assert.equal(
      (await call("POST", `/v1/reservations/${adminOwn.body.id}/cancel`, undefined, {}, client))
        .status,
      404,
    );
    assert.equal(
      (await call("GET", `/v1/reservations/${mine.body.id}`)).status,
      200,
      "admins see all",
    );

    const revoked = await call("DELETE", `/v1/api-keys/${created.body.id}`);
    assert.equal(revoked.status, 200);
    assert.ok(revoked.body.revokedAt);
    assert.equal((await call("GET", "/v1/properties", undefined, {}, client)).status, 401);
  } finally {
    await db.drop();
  }
});

integration("gateway: validation lists each bad field; limits; unknown routes", async () => {
  const db = await testDatabase();
  const { call } = testApp(db.sql, {
    env: { BERTH_BODY_LIMIT_BYTES: "2048", BERTH_MAX_QUANTITY: "5" },
  });
  try {
    const bad = await call("POST", "/v1/properties", {
      name: "",
      timezone: "Mars/Olympus",
      currency: "eur",
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, "validation_failed");
    assert.deepEqual(bad.body.errors.map((e: { path: string }) => e.path).sort(), [
      "currency",
      "name",
      "timezone",
    ]);

    const notJson = await call("POST", "/v1/properties", "{nope");
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.code, "validation_failed");

    const big = await call("POST", "/v1/properties", {
      name: "x".repeat(5000),
      timezone: "UTC",
      currency: "EUR",
    });
    assert.equal(big.status, 413);
    assert.equal(big.body.code, "payload_too_large");

    const { propertyId, roomId } = await seedCatalogue(call);
    const dates = await call(
      "POST",
      "/v1/reservations",
      booking(propertyId, [
        { resourceId: roomId, from: "2030-06-05", to: "2030-06-02" },
        { resourceId: roomId, from: "2030-02-30", to: "2030-03-02", quantity: 0 },
      ]),
      { "idempotency-key": "d" },
    );
    assert.equal(dates.status, 400);
    assert.deepEqual(
      dates.body.errors.map((e: { path: string }) => e.path).sort(),
      ["items.0.to", "items.1.from", "items.1.quantity"],
    );
    const tooMany = await call(
      "POST",
      "/v1/reservations",
      booking(propertyId, [
        { resourceId: roomId, from: "2030-06-01", to: "2030-06-02", quantity: 6 },
      ]),
      { "idempotency-key": "q" },
    );
    assert.equal(tooMany.status, 400);
    assert.match(tooMany.body.errors[0].message, /at most 5/);
    const noSuch = await call(
      "POST",
      "/v1/reservations",
      booking(propertyId, [
        { resourceId: "r_nope", from: "2030-06-01", to: "2030-06-02" },
      ]),
      { "idempotency-key": "r" },
    );
    assert.equal(noSuch.status, 400);
    assert.equal(noSuch.body.errors[0].path, "items.0.resourceId");

    assert.equal((await call("GET", "/v1/reservations/not-a-uuid")).body.code, "validation_failed");
    const unknown = await call("GET", "/v1/nowhere");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, "not_found");
    assert.equal(unknown.headers.get("content-type"), "application/problem+json");
    assert.equal(
      (await call("GET", `/v1/reservations/${crypto.randomUUID()}`)).body.code,
      "not_found",
    );
    const inv = await call("PUT", `/v1/properties/${propertyId}/resources/${roomId}/inventory`, {
      from: "2031-01-01",
      to: "2031-01-03",
      price: 100,
    });
    assert.equal(inv.status, 400, "new dates need a total");
    const [{ n }] = await db
      .sql`select count(*)::int as n from inventory where date >= '2031-01-01'`;
    assert.equal(n, 0, "nothing half-written");
  } finally {
    await db.drop();
  }
});

integration("gateway: capacity cannot drop below what is booked", async () => {
  const db = await testDatabase();
  const { call } = testApp(db.sql);
  try {
    const { propertyId, roomId } = await seedCatalogue(call, { rooms: 3 });
    await call(
      "POST",
      "/v1/reservations",
      booking(propertyId, [
        { resourceId: roomId, from: "2030-06-02", to: "2030-06-03", quantity: 2 },
      ]),
      { "idempotency-key": "x" },
    );
    const r = await call("PUT", `/v1/properties/${propertyId}/resources/${roomId}/inventory`, {
      from: "2030-06-01",
      to: "2030-06-04",
      total: 1,
      price: 9000,
    });
    assert.equal(r.status, 409);
    assert.equal(r.body.code, "inventory_below_booked");
    const ok = await call("PUT", `/v1/properties/${propertyId}/resources/${roomId}/inventory`, {
      from: "2030-06-01",
      to: "2030-06-04",
      total: 2,
      price: 9000,
    });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body.dates.map((d: { available: number }) => d.available), [2, 0, 2]);
  } finally {
    await db.drop();
  }
});

integration(
  "health: /ready is Postgres, /health tells NATS and the outbox, /metrics is Prometheus text",
  async () => {
    const db = await testDatabase();
    const server = await testNats();
    const nc = await connectNats(server.url, "health-test");
    const { call, app } = testApp(db.sql, { nc });
    const { propertyId, roomId } = await seedCatalogue(call);
    try {
      const health = await call("GET", "/health", undefined, {}, null);
      assert.equal(health.body.status, "ok");
      assert.equal(health.body.nats, "ok");
      // The seeding's events wait in the outbox: no relay runs here.
      const waiting = health.body.outbox.unpublished;
      assert.ok(waiting > 0 && health.body.outbox.oldestSeconds >= 0);
      const ready = await call("GET", "/ready", undefined, {}, null);
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body.checks, { postgres: "ok" });

      // NATS down: bookings go on through the outbox, so the api stays ready; /health says why
      // events wait, and how many.
      await server.stop();
      const r = await call(
        "POST",
        "/v1/reservations",
        booking(propertyId, [{ resourceId: roomId, from: "2030-06-01", to: "2030-06-02" }]),
        { "idempotency-key": "nats-down" },
      );
      assert.equal(r.status, 201);
      const still = await call("GET", "/ready", undefined, {}, null);
      assert.equal(still.status, 200);
      const told = await call("GET", "/health", undefined, {}, null);
      assert.equal(told.status, 200);
      assert.notEqual(told.body.nats, "ok");
      assert.equal(told.body.outbox.unpublished, waiting + 1);

      // Postgres away: not ready.
      const gone = testApp(connectDb("postgres://berth@127.0.0.1:1/none", { max: 1 }), { nc });
      const down = await gone.call("GET", "/ready", undefined, {}, null);
      assert.equal(down.status, 503);
      assert.equal(down.body.code, "not_ready");
      assert.match(down.body.detail, /^postgres: /);

      const res = await app.request("/metrics", { headers: { "x-request-id": "req-1" } });
      assert.equal(res.headers.get("x-request-id"), "req-1");
      const text = await res.text();
      assert.match(res.headers.get("content-type")!, /^text\/plain; version=0.0.4/);
      // Every line is a comment or `name{labels} value`, each series once.
      const scrape = parseScrape(text);
      assert.deepEqual(valuesOf(scrape, "berth_build_info"), [1]);
      const get = (series: string) => scrape.samples.get(series);
      assert.equal(get('berth_http_requests_total{method="GET",route="/ready",status="200"}'), 2);
      const timed =
        'berth_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/health"}';
      assert.equal(get(timed), 2);
      // Documented routes have their series from start-up, at 0.
      const patch =
        'berth_http_requests_total{method="PATCH",route="/v1/reservations/:id",status="200"}';
      assert.equal(get(patch), 0);
      // The platform's gauges: read from Postgres (the outbox still waits) and JetStream (down).
      assert.equal(get("berth_database_up"), 1);
      assert.equal(get("berth_nats_up"), 0);
      assert.equal(get("berth_outbox_backlog"), waiting + 1);

      // Under `up`, /metrics answers the hub's sums; without them, a 503 rather than the
      // figures of one process.
      const hubless = testApp(db.sql, { env: { BERTH_METRICS_HUB: `${Deno.cwd()}/.no-hub.sock` } });
      const unavailable = await hubless.call("GET", "/metrics", undefined, {}, null);
      assert.equal(unavailable.status, 503);
      assert.equal(unavailable.body.code, "metrics_unavailable");
    } finally {
      await nc.close();
      await server.stop();
      await db.drop();
    }
  },
);
