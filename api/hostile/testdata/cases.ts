/**
 * Fixed cases of the hostile-input suite: every hostile input that once broke berth (a 500, a
 * hang, a half-written row, a request let through), each with the answer it must get now.
 */
import { MAX_PRICE } from "../../../shared/booking/mod.ts";
import { booking } from "../../../testing/app.ts";
import type { HostileRequest } from "./arbitraries.ts";
import type { World } from "./world.ts";

/** A request and the status (and code) it must be answered with. */
export interface FixedCase {
  request: HostileRequest;
  status: number;
  code?: string;
  /** an `Allow` header the answer must carry */
  allow?: string;
}

/** The fixed cases against `w`, sent with the `admin` key unless they say otherwise. */
export function fixedCases(w: World, admin: string): FixedCase[] {
  const cases: FixedCase[] = [];
  let n = 0;
  const add = (
    name: string,
    method: string,
    url: string,
    body: unknown,
    status: number,
    more: { headers?: Record<string, string>; raw?: string; code?: string; allow?: string } = {},
  ) => {
    const text = more.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    cases.push({
      request: {
        route: `fixed: ${name}`,
        method,
        url,
        headers: {
          authorization: `Bearer ${admin}`,
          "idempotency-key": `fixed-${++n}`,
          ...(text !== undefined ? { "content-type": "application/json" } : {}),
          ...more.headers,
        },
        ...(text !== undefined ? { body: text } : {}),
      },
      status,
      code: more.code ?? (status === 400 ? "validation_failed" : undefined),
      allow: more.allow,
    });
  };
  const p = `/v1/properties/${w.propertyId}`;
  const room = `${p}/resources/${w.roomId}`;
  const stay = { resourceId: w.roomId, from: "2030-06-01", to: "2030-06-02", quantity: 1 };
  const book = (patch: Record<string, unknown>, items: unknown[] = [stay]) => ({
    ...booking(w.propertyId, items),
    userId: w.userId,
    ...patch,
  });
  const nul = "a\u0000b";

  // Money beyond int4 and past the limit.
  add("price above MAX_PRICE", "PUT", `${room}/inventory`, {
    from: "2030-07-01",
    to: "2030-07-02",
    total: 1,
    price: MAX_PRICE + 1,
  }, 400);
  add("price beyond int4", "PUT", `${room}/inventory`, {
    from: "2030-07-01",
    to: "2030-07-02",
    total: 1,
    price: 2 ** 31,
  }, 200);
  add(
    "a booking totalling beyond int4",
    "POST",
    "/v1/reservations",
    book({}, [{
      resourceId: w.roomId,
      from: "2030-07-01",
      to: "2030-07-02",
      quantity: 1,
    }]),
    201,
  );
  add("rate rule floor above MAX_PRICE", "PUT", `${room}/rate-rules`, {
    tiers: [],
    floor: MAX_PRICE + 1,
    ceiling: MAX_PRICE + 1,
  }, 400);
  add("rate rule ceiling above MAX_PRICE", "PUT", `${room}/rate-rules`, {
    tiers: [],
    floor: 0,
    ceiling: MAX_PRICE + 1,
  }, 400);

  // Dates: year 0000, and the widest range ISO allows.
  for (const [from, to] of [["0001-01-01", "9999-12-31"], ["0000-01-01", "0000-01-02"]]) {
    const range = `from=${from}&to=${to}`;
    add(
      `availability ${range}`,
      "GET",
      `/v1/availability?propertyId=${w.propertyId}&${range}`,
      undefined,
      400,
    );
    add(`booking ${range}`, "POST", "/v1/reservations", book({}, [{ ...stay, from, to }]), 400);
    add(`inventory ${range}`, "PUT", `${room}/inventory`, { from, to, total: 1, price: 1 }, 400);
    add(`kpis ${range}`, "GET", `${p}/kpis?${range}`, undefined, 400);
    add(`rates ${range}`, "GET", `${room}/rates?${range}`, undefined, 400);
  }

  // NUL in every text field and path parameter.
  add("NUL in a property name", "POST", "/v1/properties", {
    name: nul,
    timezone: "UTC",
    currency: "EUR",
  }, 400);
  add("NUL in a resource name", "POST", `${p}/resources`, { name: nul, kind: "room" }, 400);
  add("NUL in a key name", "POST", "/v1/api-keys", { name: nul, role: "client" }, 400);
  const hook = { url: "https://hooks.example.com/x", events: ["reservation.confirmed"] };
  add("NUL in a webhook description", "POST", `${p}/webhooks`, {
    ...hook,
    description: nul,
  }, 400);
  add("NUL in a userId", "POST", "/v1/reservations", book({ userId: nul }), 400);
  add(
    "NUL in guest.name",
    "POST",
    "/v1/reservations",
    book({
      guest: { name: nul, email: "ada@example.com" },
    }),
    400,
  );
  add("NUL in payment.token", "POST", "/v1/reservations", book({ payment: { token: nul } }), 400);
  add("NUL in a cancel reason", "POST", `/v1/reservations/${w.reservations.pending}/cancel`, {
    reason: nul,
  }, 400);
  add("NUL in a userId path", "GET", "/v1/users/%00/reservations", undefined, 400);
  add("NUL in a key id path", "DELETE", "/v1/api-keys/%00", undefined, 400);

  // Lone surrogates: JSON escapes them (\ud800), UTF-8 cannot carry them. As a booking's userId or
  // payment token they made Postgres refuse the outbox row (a 500); in names, stored as U+FFFD.
  const lone = "a\uD800b";
  add(
    "a lone surrogate in payment.token",
    "POST",
    "/v1/reservations",
    book({
      payment: { token: `tok_ok_\uDBFF\uDBFF` },
    }),
    400,
  );
  add("a lone surrogate in a userId", "POST", "/v1/reservations", book({ userId: lone }), 400);
  add(
    "a lone surrogate in guest.name",
    "POST",
    "/v1/reservations",
    book({
      guest: { name: "\uDFFF", email: "ada@example.com" },
    }),
    400,
  );
  add("a lone surrogate in a property name", "POST", "/v1/properties", {
    name: lone,
    timezone: "UTC",
    currency: "EUR",
  }, 400);
  add(
    "a lone surrogate in a cancel reason",
    "POST",
    `/v1/reservations/${w.reservations.pending}/cancel`,
    {
      reason: lone,
    },
    400,
  );

  // Webhooks to internal addresses.
  for (
    const url of [
      "http://169.254.169.254/latest/meta-data/",
      "http://[::1]/",
      "http://0.0.0.0/",
      "http://localhost/",
      "http://2130706433/",
      "http://user:pass@hooks.example.com/",
      "http:///nohost",
      "https://hooks.example.com/a\r\nX-Evil: 1",
    ]
  ) {
    add(`webhook to ${JSON.stringify(url)}`, "POST", `${p}/webhooks`, { ...hook, url }, 400);
  }

  // Smaller defects in booking bodies.
  const seats = { resourceId: w.showId, from: "2030-06-06", to: "2030-06-07" };
  add(
    "the same seat twice",
    "POST",
    "/v1/reservations",
    book({}, [{ ...seats, seats: ["A1", "A1"] }]),
    400,
  );
  add(
    "the same seat on two lines",
    "POST",
    "/v1/reservations",
    book({}, [
      { ...seats, seats: ["A2"] },
      { ...seats, seats: ["A2"] },
    ]),
    400,
  );
  // 10 lines of the same 1000 seats for 366 nights, within the body limit: seconds of CPU, all
  // of one api process, went into spreading 3.66 million seat-nights before the 400.
  const crowd = Array(10).fill({
    resourceId: w.showId,
    from: "2030-01-01",
    to: "2031-01-01",
    seats: Array.from({ length: 1000 }, (_, i) => String(i)),
  });
  add("10 lines of 1000 seats for 366 nights", "POST", "/v1/reservations", book({}, crowd), 400);
  add("a change to 10 lines of 1000 seats", "PATCH", `/v1/reservations/${w.reservations.pending}`, {
    items: crowd,
  }, 400);
  add(
    "a userId of 100 characters",
    "POST",
    "/v1/reservations",
    book({ userId: "u".repeat(100) }),
    201,
  );
  add(
    "the history of that user",
    "GET",
    `/v1/users/${"u".repeat(100)}/reservations`,
    undefined,
    200,
  );
  add(
    "a userId of 129 characters",
    "POST",
    "/v1/reservations",
    book({ userId: "u".repeat(129) }),
    400,
  );
  add(
    "a 300-character e-mail",
    "POST",
    "/v1/reservations",
    book({
      guest: { name: "Ada", email: `${"a".repeat(60)}@${"d".repeat(235)}.com` },
    }),
    400,
  );

  // Bodies that are not JSON, methods a path does not take.
  add("a text/plain body", "POST", "/v1/properties", undefined, 415, {
    raw: '{"name":"x","timezone":"UTC","currency":"EUR"}',
    headers: { "content-type": "text/plain" },
    code: "unsupported_media_type",
  });
  add("a form body", "POST", "/v1/properties", undefined, 415, {
    raw: "name=x&timezone=UTC&currency=EUR",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    code: "unsupported_media_type",
  });
  add("PATCH on /v1/properties", "PATCH", "/v1/properties", { name: "x" }, 405, {
    code: "method_not_allowed",
    allow: "GET, POST",
  });
  add("PUT on a reservation", "PUT", `/v1/reservations/${w.reservations.pending}`, {}, 405, {
    code: "method_not_allowed",
    allow: "GET, PATCH",
  });

  // Cursors and instants Postgres refuses (found while cursors and the search were built).
  const cursor = (at: string, id: string) =>
    btoa(JSON.stringify([at, id])).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  add(
    "a NUL in a cursor's id",
    "GET",
    `/v1/api-keys?cursor=${cursor("2030-01-01T00:00:00.000000Z", nul)}`,
    undefined,
    400,
  );
  add(
    "year 0 in a cursor",
    "GET",
    `/v1/properties?cursor=${cursor("0000-01-01T00:00:00.000000Z", w.propertyId)}`,
    undefined,
    400,
  );
  add(
    "year 0 as updatedSince",
    "GET",
    `${p}/reservations?updatedSince=0000-01-01T00:00:00Z`,
    undefined,
    400,
  );
  add(
    "a stale If-Match on a cancel",
    "POST",
    `/v1/reservations/${w.reservations.toCancel}/cancel`,
    undefined,
    412,
    {
      headers: { "if-match": '"bogus"' },
      code: "precondition_failed",
    },
  );
  return cases;
}
