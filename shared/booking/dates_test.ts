import assert from "node:assert/strict";
import { addDays, datesIn, daysIn } from "./dates.ts";

Deno.test("addDays: across month, year and leap day, and backwards", () => {
  assert.equal(addDays("2030-01-31", 1), "2030-02-01");
  assert.equal(addDays("2030-12-31", 1), "2031-01-01");
  assert.equal(addDays("2028-02-28", 1), "2028-02-29");
  assert.equal(addDays("2028-03-01", -1), "2028-02-29");
  assert.equal(addDays("2030-06-01", 0), "2030-06-01");
  assert.equal(addDays("2030-06-01", 6), "2030-06-07");
});

Deno.test("datesIn and daysIn agree with addDays", () => {
  assert.deepEqual(datesIn("2030-12-30", "2031-01-02"), [
    "2030-12-30",
    "2030-12-31",
    "2031-01-01",
  ]);
  assert.equal(daysIn("2030-12-30", addDays("2030-12-30", 3)), 3);
});
