import assert from "node:assert/strict";
import { resolveItems } from "./domain.ts";
import { ValidationFailed } from "../errors/errors.ts";

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
