/**
 * Fixed cases of hostile values in fields: money beyond int4, odd dates, NUL and lone
 * surrogates in every text field and path parameter.
 */
import { MAX_PRICE } from "../../../shared/booking/mod.ts";
import type { CaseKit } from "./cases.ts";

/** Adds the cases of hostile values in fields. */
export function fieldCases({ w, add, p, room, stay, book, nul, hook }: CaseKit): void {
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
}
