import assert from "node:assert/strict";
import { nightKey, seatKey, spreadOverNights } from "./nights.ts";

Deno.test("spreadOverNights: a stay is one need per night, [from, to)", () => {
  const needs = spreadOverNights([
    { resourceId: "room", from: "2030-02-27", to: "2030-03-02", quantity: 2 },
  ]);
  assert.deepEqual(needs, [
    { resourceId: "room", date: "2030-02-27", quantity: 2 },
    { resourceId: "room", date: "2030-02-28", quantity: 2 },
    { resourceId: "room", date: "2030-03-01", quantity: 2 },
  ]);
});

Deno.test("spreadOverNights: lines sharing a night add up there, others stay apart", () => {
  const needs = spreadOverNights([
    { resourceId: "room", from: "2030-06-01", to: "2030-06-03", quantity: 1 },
    { resourceId: "car", from: "2030-06-02", to: "2030-06-03", quantity: 4 },
    { resourceId: "room", from: "2030-06-02", to: "2030-06-04", quantity: 3 },
  ]);
  assert.deepEqual(needs, [
    { resourceId: "room", date: "2030-06-01", quantity: 1 },
    { resourceId: "room", date: "2030-06-02", quantity: 4 },
    { resourceId: "car", date: "2030-06-02", quantity: 4 },
    { resourceId: "room", date: "2030-06-03", quantity: 3 },
  ]);
});

Deno.test("spreadOverNights: an empty range needs nothing", () => {
  assert.deepEqual(
    spreadOverNights([{ resourceId: "r", from: "2030-06-01", to: "2030-06-01", quantity: 1 }]),
    [],
  );
});

Deno.test("nightKey: pairs whose parts run together still get their own key", () => {
  assert.notEqual(nightKey("a1", "2030-06-01"), nightKey("a", "12030-06-01"));
  assert.equal(nightKey("r", "2030-06-01"), nightKey("r", "2030-06-01"));
  assert.notEqual(seatKey("r", "2030-06-01", "A1"), nightKey("r", "2030-06-01"));
  assert.notEqual(seatKey("r", "2030-06-0", "1A1"), seatKey("r", "2030-06-01", "A1"));
});
