/**
 * The contract walk's error cases: each documented 4xx code, answered as `/openapi.json`
 * declares it, on the data the walk left behind.
 */
import assert from "node:assert/strict";
import type { Walk } from "./client.ts";
import { ok } from "./client.ts";
import { changeStatus } from "../../../shared/booking/mod.ts";

/** 401, 403, 400, 404, 409 in each of its codes, 413 and 415. */
export async function errorCases({ call, sql, now, day }: Walk) {
  const P = (await sql`select id from properties limit 1`)[0].id;
  const [{ id: ROOM }] = await sql`select id from resources where kind = 'room' limit 1`;
  const fine = (status: number, code: string) => (r: { status: number; body: { code: string } }) =>
    assert.deepEqual([r.status, r.body.code], [status, code], JSON.stringify(r.body));
  const client = (await call("POST", "/v1/api-keys", { body: { name: "c", role: "client" } }))
    .body.key;
  const stay = (from: string, to: string, quantity = 1) => ({
    propertyId: P,
    userId: "guest-7",
    guest: { name: "Ada", email: "ada@example.com" },
    items: [{ resourceId: ROOM, from, to, quantity }],
    payment: { token: "tok_ok" },
  });
  const book = (body: unknown, key: string) =>
    call("POST", "/v1/reservations", { body, headers: { "idempotency-key": key } });

  fine(401, "unauthorized")(await call("GET", "/v1/properties", { key: null }));
  fine(401, "unauthorized")(await call("GET", "/v1/properties", { key: "nobody-at-all" }));
  fine(403, "forbidden")(
    await call("POST", "/v1/api-keys", {
      body: { name: "x", role: "admin" },
      key: client,
    }),
  );
  fine(403, "forbidden")(
    await call("GET", `/v1/rates/applied?reservationId=${crypto.randomUUID()}`, {
      key: client,
    }),
  );
  fine(400, "validation_failed")(await call("POST", "/v1/properties", { body: {} }));
  fine(400, "validation_failed")(await call("GET", "/v1/reservations/not-a-uuid"));
  fine(400, "validation_failed")(
    await call("GET", `/v1/availability?propertyId=${P}&from=x&to=y`),
  );
  fine(400, "validation_failed")(
    await call("POST", "/v1/reservations", { body: stay(day(1), day(2)) }),
  );
  fine(400, "date_in_past")(await book(stay(day(-2), day(-1)), "past"));
  fine(404, "not_found")(await call("GET", `/v1/reservations/${crypto.randomUUID()}`));
  fine(404, "not_found")(await call("GET", "/v1/properties/nowhere"));
  fine(404, "not_found")(await call("DELETE", "/v1/webhooks/wh_none"));
  fine(404, "not_found")(await call("DELETE", `/v1/api-keys/${crypto.randomUUID()}`));
  fine(409, "conflict")(
    await call("POST", "/v1/properties", {
      body: { id: P, name: "Again", timezone: "UTC", currency: "EUR" },
    }),
  );
  fine(409, "sold_out")(await book(stay(day(6), day(7), 11), "too-many"));
  const first = await book(stay(day(6), day(7)), "once");
  ok(first, 201, "a booking");
  fine(409, "idempotency_conflict")(await book(stay(day(7), day(8)), "once"));
  fine(409, "too_early")(
    await (async () => {
      await changeStatus(sql, first.body.id, "confirm", {
        now: now(),
        correlationId: "c",
      });
      return await call("POST", `/v1/reservations/${first.body.id}/check-in`);
    })(),
  );
  fine(409, "inventory_below_booked")(
    await call("PUT", `/v1/properties/${P}/resources/${ROOM}/inventory`, {
      body: { from: day(6), to: day(7), total: 0, price: 12000 },
    }),
  );
  const dearer = await call("PATCH", `/v1/reservations/${first.body.id}`, {
    body: { items: [{ resourceId: ROOM, from: day(6), to: day(8), quantity: 1 }] },
  });
  ok(dearer, 202, "a dearer change");
  fine(409, "modification_pending")(
    await call("PATCH", `/v1/reservations/${first.body.id}`, {
      body: { items: [{ resourceId: ROOM, from: day(6), to: day(9), quantity: 1 }] },
    }),
  );
  ok(await call("POST", `/v1/reservations/${first.body.id}/cancel`), 200, "cancel");
  fine(409, "invalid_transition")(
    await call("POST", `/v1/reservations/${first.body.id}/cancel`),
  );
  fine(413, "payload_too_large")(
    await call("POST", "/v1/properties", {
      body: { name: "x".repeat(70_000), timezone: "UTC", currency: "EUR" },
    }),
  );
  fine(415, "unsupported_media_type")(
    await call("POST", "/v1/properties", {
      body: "name=x",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    }),
  );
}
