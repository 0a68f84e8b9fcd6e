/**
 * Fixed cases of hostile requests: webhooks to internal addresses, defects in booking bodies,
 * crowds of seats, bodies that are not JSON, methods a path does not take, refused cursors.
 */
import type { CaseKit } from "./cases.ts";

/** Adds the cases of hostile requests. */
export function requestCases({ w, add, p, book, nul, hook }: CaseKit): void {
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
}
