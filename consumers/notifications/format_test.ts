import assert from "node:assert/strict";
import { counted, formatDate, formatInstant, formatMoney } from "./format.ts";

Deno.test("format: minor units read in the currency's own decimals, with its symbol", () => {
  assert.equal(formatMoney(24000, "EUR"), "€240.00");
  assert.equal(formatMoney(1999, "USD"), "$19.99");
  assert.equal(formatMoney(5, "EUR"), "€0.05");
  assert.equal(formatMoney(0, "GBP"), "£0.00");
  assert.equal(formatMoney(48000, "NZD"), "NZ$480.00");
  assert.equal(formatMoney(500, "JPY"), "¥500");
  assert.equal(formatMoney(1234, "KWD"), "KWD\u00a01.234");
});

Deno.test("format: large amounts are exact (no float division)", () => {
  // 2^53 + 1 minor units cannot be a float; its decimal string can.
  assert.equal(formatMoney(3_660_000_000_000_055, "EUR"), "€36,600,000,000,000.55");
});

Deno.test("format: a date is a calendar date, never shifted by a time zone", () => {
  assert.equal(formatDate("2030-06-05"), "Wed 5 Jun 2030");
  assert.equal(formatDate("2030-12-31"), "Tue 31 Dec 2030");
  assert.equal(formatDate("2032-02-29"), "Sun 29 Feb 2032");
});

Deno.test("format: an instant reads on the property's clock", () => {
  const at = new Date("2030-06-03T12:00:00Z");
  assert.equal(formatInstant(at, "Pacific/Auckland"), "Tue 4 Jun 2030, 00:00");
  assert.equal(formatInstant(at, "America/New_York"), "Mon 3 Jun 2030, 08:00");
  assert.equal(formatInstant(at, "UTC"), "Mon 3 Jun 2030, 12:00");
});

Deno.test("format: counted nouns", () => {
  assert.equal(counted(1, "night"), "1 night");
  assert.equal(counted(3, "night"), "3 nights");
  assert.equal(counted(2, "day"), "2 days");
});
