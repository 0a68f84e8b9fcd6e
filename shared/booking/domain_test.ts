import assert from "node:assert/strict";
import type { Action, Status } from "./domain.ts";
import {
  assertNotPast,
  confirmationNumber,
  decideTransition,
  localDate,
  priceItems,
  resolveItems,
  statuses,
} from "./domain.ts";
import type { ReservationState } from "./state.ts";
import { decide } from "./decide.ts";
import { DomainError, ValidationFailed } from "../errors/mod.ts";

const resources = new Map([["show", { kind: "seat" as const, propertyId: "p" }]]);
const line = (from: string, to: string, seats: string[]) => ({
  resourceId: "show",
  from,
  to,
  seats,
});

Deno.test("resolve items: a seat twice on one date, in one line or two, is a field error", () => {
  for (
    const [requests, path] of [
      [[line("2030-06-01", "2030-06-02", ["A1", "A1"])], "items.0.seats"],
      [
        [line("2030-06-01", "2030-06-03", ["A1"]), line("2030-06-02", "2030-06-04", ["A1"])],
        "items.1.seats",
      ],
    ] as const
  ) {
    assert.throws(
      () => resolveItems([...requests], resources, "p", 20),
      (err) => err instanceof ValidationFailed && err.errors?.[0].path === path,
    );
  }
});

Deno.test("resolve items: the same seat on other dates, or other seats, book together", () => {
  const items = resolveItems(
    [
      line("2030-06-01", "2030-06-02", ["A1"]),
      line("2030-06-02", "2030-06-03", ["A1"]),
      line("2030-06-01", "2030-06-02", ["A2"]),
    ],
    resources,
    "p",
    20,
  );
  assert.deepEqual(items.map((it) => it.quantity), [1, 1, 1]);
});

Deno.test("local date: today is the property's, not UTC's", () => {
  const at = new Date("2030-06-01T13:00:00Z");
  assert.equal(localDate(at, "UTC"), "2030-06-01");
  assert.equal(localDate(at, "Pacific/Auckland"), "2030-06-02");
  assert.equal(localDate(new Date("2030-06-01T03:00:00Z"), "America/Los_Angeles"), "2030-05-31");
});

Deno.test("not past: today is taken, yesterday is date_in_past naming each line", () => {
  assertNotPast([{ path: "items.0.from", from: "2030-06-02" }], "2030-06-02");
  assert.throws(
    () =>
      assertNotPast([
        { path: "items.0.from", from: "2030-06-02" },
        { path: "items.1.from", from: "2030-06-01" },
      ], "2030-06-02"),
    (err) =>
      err instanceof DomainError && err.code === "date_in_past" && err.kind === "invalid" &&
      err.errors?.map((e) => e.path).join() === "items.1.from",
  );
});

Deno.test("check-in: given a confirmed stay, it opens on the arrival date at the property", () => {
  const stay: ReservationState = {
    id: "01a20116-bed2-78ec-8b41-7855cee94ff9",
    propertyId: "p",
    userId: "u",
    apiKeyId: "k",
    confirmationNumber: "RSV-2030-000001",
    status: "confirmed",
    version: 1,
    guest: { name: "Ada", email: "ada@example.com" },
    total: 0,
    currency: "EUR",
    timezone: "America/Los_Angeles",
    paymentId: "pay",
    holdExpiresAt: new Date("2030-05-01T00:15:00Z"),
    createdAt: new Date("2030-05-01T00:00:00Z"),
    updatedAt: new Date("2030-05-01T00:00:00Z"),
    items: [
      { resourceId: "room", kind: "room", from: "2030-06-02", to: "2030-06-04", quantity: 1 },
      { resourceId: "room", kind: "room", from: "2030-06-01", to: "2030-06-02", quantity: 1 },
    ],
    amounts: [0, 0],
    pendingChange: null,
  };
  const checkIn = (iso: string) =>
    decide({ type: "checkIn" }, stay, {
      now: new Date(iso),
      newId: () => crypto.randomUUID(),
      correlationId: "c",
    });
  // 1 June in UTC, still 31 May in Los Angeles: the first line arrives on 1 June.
  assert.throws(
    () => checkIn("2030-06-01T03:00:00Z"),
    (err) => err instanceof DomainError && err.code === "too_early" && err.kind === "conflict",
  );
  assert.equal(checkIn("2030-06-01T07:30:00Z").state.status, "checked_in");
});

Deno.test("resolve items: a booking of too many seats is refused as such, before any is spread over its dates", () => {
  // 10 lines of the same 1000 seats for 366 nights: spreading them first made 3.66 million keys
  // (seconds of CPU) and reported every line's overlap, before the one error that matters.
  const seats = Array.from({ length: 1000 }, (_, i) => String(i));
  const requests = Array(10).fill(line("2030-01-01", "2031-01-01", seats));
  assert.throws(
    () => resolveItems(requests, resources, "p", 20),
    (err) =>
      err instanceof ValidationFailed &&
      JSON.stringify(err.errors) ===
        JSON.stringify([{ path: "items", message: "at most 20 units or seats per booking" }]),
  );
});

Deno.test("resolve items: rooms default to one, seats are sorted and counted, strangers refused", () => {
  const known = new Map([
    ["room", { kind: "room" as const, propertyId: "p" }],
    ["show", { kind: "seat" as const, propertyId: "p" }],
    ["elsewhere", { kind: "room" as const, propertyId: "q" }],
  ]);
  const items = resolveItems(
    [
      { resourceId: "room", from: "2030-06-01", to: "2030-06-03" },
      { resourceId: "show", from: "2030-06-01", to: "2030-06-02", seats: ["B2", "A1"] },
    ],
    known,
    "p",
    20,
  );
  assert.deepEqual(items.map((it) => [it.kind, it.quantity, it.seats]), [
    ["room", 1, undefined],
    ["seat", 2, ["A1", "B2"]],
  ]);
  assert.throws(
    () =>
      resolveItems(
        [
          { resourceId: "elsewhere", from: "2030-06-01", to: "2030-06-02" },
          { resourceId: "room", from: "2030-06-01", to: "2030-06-02", seats: ["A1"] },
          { resourceId: "show", from: "2030-06-01", to: "2030-06-02" },
        ],
        known,
        "p",
        20,
      ),
    (err) =>
      err instanceof ValidationFailed &&
      err.errors?.map((e) => e.path).join() === "items.0.resourceId,items.1.seats,items.2.seats",
  );
});

/** Every state change berth allows, written out: from, action, to. */
const allowed: [Status, Action, Status][] = [
  ["pending", "confirm", "confirmed"],
  ["pending", "fail", "failed"],
  ["pending", "expire", "expired"],
  ["pending", "cancel", "cancelled"],
  ["confirmed", "cancel", "cancelled"],
  ["confirmed", "checkIn", "checked_in"],
  ["checked_in", "checkOut", "checked_out"],
];
const actions: Action[] = ["confirm", "fail", "expire", "cancel", "checkIn", "checkOut"];

Deno.test("transitions: given each status, each allowed action leads on and every other is refused", () => {
  let refused = 0;
  for (const from of statuses) {
    for (const action of actions) {
      const to = allowed.find(([f, a]) => f === from && a === action)?.[2];
      if (to) {
        assert.equal(decideTransition(from, action), to, `${from} ${action}`);
        continue;
      }
      refused++;
      assert.throws(
        () => decideTransition(from, action),
        (err) => err instanceof DomainError && err.code === "invalid_transition",
        `${from} ${action}`,
      );
    }
  }
  assert.equal(refused, statuses.length * actions.length - allowed.length);
});

Deno.test("confirmation numbers: RSV-<year>-<6 digits>, the year at the clock, none twice", () => {
  const now = new Date("2030-12-31T23:30:00Z");
  assert.match(confirmationNumber(1, now), /^RSV-2030-\d{6}$/);
  assert.equal(confirmationNumber(1, new Date("2031-01-01T00:00:00Z")).slice(0, 9), "RSV-2031-");
  const seen = new Set<string>();
  for (let seq = 0; seq < 100_000; seq++) seen.add(confirmationNumber(seq, now));
  assert.equal(seen.size, 100_000, "100,000 bookings of a year, 100,000 numbers");
  // Consecutive bookings do not read as consecutive numbers.
  assert.notEqual(
    Number(confirmationNumber(2, now).slice(9)) - Number(confirmationNumber(1, now).slice(9)),
    1,
  );
});

Deno.test("prices: each line is its nights' prices times its quantity; the total is their sum", () => {
  const nightly: Record<string, number> = { "2030-06-01": 12000, "2030-06-02": 15000 };
  const { amounts, total } = priceItems([
    { resourceId: "room", kind: "room", from: "2030-06-01", to: "2030-06-03", quantity: 2 },
    { resourceId: "show", kind: "seat", from: "2030-06-02", to: "2030-06-03", quantity: 3 },
  ], (r, d) => (r === "show" ? 4500 : nightly[d]));
  assert.deepEqual(amounts, [54000, 13500]);
  assert.equal(total, 67500);
});
