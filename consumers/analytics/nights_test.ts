import assert from "node:assert/strict";
import { leadDays, nightsOf } from "./nights.ts";

Deno.test("nightsOf: lines spread over their nights, summed, priced as booked, in order", () => {
  const nights = nightsOf(
    [
      { resourceId: "suite", from: "2030-06-02", to: "2030-06-03", quantity: 1 },
      { resourceId: "room", from: "2030-06-01", to: "2030-06-03", quantity: 2 },
      { resourceId: "room", from: "2030-06-02", to: "2030-06-03", quantity: 1 },
    ],
    [
      { resourceId: "room", date: "2030-06-01", price: 100 },
      { resourceId: "room", date: "2030-06-02", price: 120 },
    ],
  );
  assert.deepEqual(nights, [
    { resourceId: "room", date: "2030-06-01", quantity: 2, price: 100 },
    { resourceId: "room", date: "2030-06-02", quantity: 3, price: 120 },
    { resourceId: "suite", date: "2030-06-02", quantity: 1, price: 0 },
  ]);
});

Deno.test("leadDays: whole days from the booking day to the first night", () => {
  assert.equal(leadDays("2030-05-30", [{ from: "2030-06-02" }, { from: "2030-06-01" }]), 2);
});
