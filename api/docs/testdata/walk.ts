/**
 * The contract walk's first two steps: the README's walk-through, then every operation it
 * does not reach, each answer checked against `/openapi.json` by the client.
 */
import assert from "node:assert/strict";
import type { Walk } from "./client.ts";
import { ok } from "./client.ts";
import { changeStatus } from "../../../shared/booking/mod.ts";

/** The README's walk-through: a property, a room and a show, bookings, changes, a cancel. */
export async function readmeWalk({ call, sql, now, day }: Walk) {
  const p = await call("POST", "/v1/properties", {
    body: { name: "Harbour Hotel", timezone: "Europe/Amsterdam", currency: "EUR" },
  });
  ok(p, 201, "property");
  const P = p.body.id;
  const room = await call("POST", `/v1/properties/${P}/resources`, {
    body: { name: "Double room", kind: "room" },
  });
  ok(room, 201, "room");
  const show = await call("POST", `/v1/properties/${P}/resources`, {
    body: { name: "Friday show", kind: "seat", seats: ["A1", "A2", "A3", "A4"] },
  });
  ok(show, 201, "show");
  const ROOM = room.body.id;
  const SHOW = show.body.id;
  ok(
    await call("PUT", `/v1/properties/${P}/resources/${ROOM}/inventory`, {
      body: { from: day(0), to: day(10), total: 10, price: 12000 },
    }),
    200,
    "room inventory",
  );
  ok(
    await call("PUT", `/v1/properties/${P}/resources/${SHOW}/inventory`, {
      body: { from: day(4), to: day(5), price: 4500 },
    }),
    200,
    "show inventory",
  );
  const client = await call("POST", "/v1/api-keys", {
    body: { name: "front desk", role: "client" },
  });
  ok(client, 201, "client key");
  const CLIENT = client.body.key;
  ok(
    await call("GET", `/v1/availability?propertyId=${P}&from=${day(0)}&to=${day(5)}`, {
      key: CLIENT,
    }),
    200,
    "availability",
  );
  const booking = (items: unknown[]) => ({
    propertyId: P,
    userId: "guest-42",
    guest: { name: "Ada Lovelace", email: "ada@example.com" },
    items,
    payment: { token: "tok_ok_visa" },
  });
  const stay = booking([{ resourceId: ROOM, from: day(1), to: day(3), quantity: 1 }]);
  const R = await call("POST", "/v1/reservations", {
    body: stay,
    key: CLIENT,
    headers: { "idempotency-key": `room-${P}` },
  });
  ok(R, 201, "booking");
  const again = await call("POST", "/v1/reservations", {
    body: stay,
    key: CLIENT,
    headers: { "idempotency-key": `room-${P}` },
  });
  ok(again, 201, "replayed booking");
  assert.equal(again.headers.get("idempotent-replayed"), "true");
  const seat = await call("POST", "/v1/reservations", {
    body: booking([{ resourceId: SHOW, from: day(4), to: day(5), seats: ["A2"] }]),
    key: CLIENT,
    headers: { "idempotency-key": `seat-${P}` },
  });
  ok(seat, 201, "seat");
  ok(await call("GET", `/v1/reservations/${R.body.id}`, { key: CLIENT }), 200, "read");

  // The payments service would confirm it; here the engine does, as the service does.
  const ctx = { now: now(), correlationId: "contract" };
  const today = await call("POST", "/v1/reservations", {
    body: booking([{ resourceId: ROOM, from: day(0), to: day(1), quantity: 1 }]),
    key: CLIENT,
    headers: { "idempotency-key": `today-${P}` },
  });
  await changeStatus(sql, today.body.id, "confirm", ctx);
  ok(
    await call("POST", `/v1/reservations/${today.body.id}/check-in`, { key: CLIENT }),
    200,
    "in",
  );
  ok(
    await call("POST", `/v1/reservations/${today.body.id}/check-out`, { key: CLIENT }),
    200,
    "out",
  );

  const shorter = await call("PATCH", `/v1/reservations/${R.body.id}`, {
    body: { items: [{ resourceId: ROOM, from: day(1), to: day(2), quantity: 1 }] },
    key: CLIENT,
  });
  ok(shorter, 200, "a cheaper change");
  const longer = await call("PATCH", `/v1/reservations/${R.body.id}`, {
    body: { items: [{ resourceId: ROOM, from: day(1), to: day(4), quantity: 2 }] },
    key: CLIENT,
  });
  ok(longer, 202, "a dearer change");
  assert.ok(longer.body.pendingModification);

  const cancel = (key: string) =>
    call("POST", `/v1/reservations/${seat.body.id}/cancel`, {
      key: CLIENT,
      headers: { "idempotency-key": key },
    });
  ok(await cancel(`cancel-${seat.body.id}`), 200, "cancel");
  const replayed = await cancel(`cancel-${seat.body.id}`);
  ok(replayed, 200, "cancel again");
  assert.equal(replayed.headers.get("idempotent-replayed"), "true");
  ok(await call("GET", `/v1/users/guest-42/reservations`, { key: CLIENT }), 200, "history");
}

/** Every operation the walk-through did not reach, on what it left behind. */
export async function everyOtherOperation({ call, sql, day }: Walk) {
  const list = await call("GET", "/v1/properties");
  ok(list, 200, "properties");
  const P = list.body.items[0].id;
  ok(await call("GET", `/v1/properties/${P}`), 200, "property");
  const resources = await call("GET", `/v1/properties/${P}/resources`);
  ok(resources, 200, "resources");
  const ROOM = resources.body.items.find((r: { kind: string }) => r.kind === "room").id;
  const base = `/v1/properties/${P}/resources/${ROOM}`;
  ok(
    await call("PUT", `${base}/rate-rules`, {
      body: { tiers: [{ occupancy: 0.5, multiplier: 1.25 }], floor: 10000, ceiling: 20000 },
    }),
    200,
    "put rules",
  );
  ok(await call("GET", `${base}/rate-rules`), 200, "rules");
  const inventory = await call("GET", `${base}/inventory?from=${day(0)}&to=${day(5)}`);
  ok(inventory, 200, "inventory");
  const stale = await call("PUT", `${base}/inventory`, {
    body: { from: day(0), to: day(5), total: 10, price: 13000 },
    headers: { "if-match": '"stale"' },
  });
  assert.deepEqual([stale.status, stale.body.code], [412, "precondition_failed"]);
  ok(
    await call("PUT", `${base}/inventory`, {
      body: { from: day(0), to: day(5), total: 10, price: 12000 },
      headers: { "if-match": inventory.headers.get("etag")! },
    }),
    200,
    "inventory as read",
  );
  const found = await call("GET", `/v1/properties/${P}/reservations?limit=1`);
  ok(found, 200, "search");
  assert.ok(found.body.nextCursor, "more than one page");
  ok(await call("GET", found.body.next), 200, "the next page");
  ok(await call("GET", `${base}/rates?from=${day(0)}&to=${day(5)}`), 200, "rates");
  const [{ id: reservationId }] = await sql`select id from reservations limit 1`;
  ok(await call("GET", `/v1/rates/applied?reservationId=${reservationId}`), 200, "applied");
  ok(await call("GET", `/v1/properties/${P}/kpis?from=${day(0)}&to=${day(5)}`), 200, "kpis");
  ok(await call("GET", `/v1/audit?propertyId=${P}`), 200, "audit");

  const hook = await call("POST", `/v1/properties/${P}/webhooks`, {
    body: { url: "https://hooks.example.com/berth", events: ["reservation.confirmed"] },
  });
  ok(hook, 201, "webhook");
  ok(await call("GET", `/v1/properties/${P}/webhooks`), 200, "webhooks");
  ok(await call("GET", `/v1/webhooks/${hook.body.id}`), 200, "webhook");
  ok(await call("POST", `/v1/webhooks/${hook.body.id}/enable`), 200, "enable");
  ok(await call("GET", `/v1/webhooks/${hook.body.id}/deliveries?limit=5`), 200, "deliveries");
  ok(await call("DELETE", `/v1/webhooks/${hook.body.id}`), 204, "delete webhook");

  const keys = await call("GET", "/v1/api-keys");
  ok(keys, 200, "keys");
  ok(await call("DELETE", `/v1/api-keys/${keys.body.items[0].id}`), 200, "revoke");

  ok(await call("GET", "/v1/ops/summary"), 200, "ops summary");
  for (
    const path of [
      "/health",
      "/ready",
      "/metrics",
      "/openapi.json",
      "/docs",
      "/ops",
      "/ops/client.js",
    ]
  ) {
    ok(await call("GET", path, { key: null }), 200, path);
  }
}
