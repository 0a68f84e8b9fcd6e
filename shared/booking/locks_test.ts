import assert from "node:assert/strict";
import { lockKey, needsOf, sortForLocks } from "./domain.ts";
import type { Command } from "./write.ts";
import { batchLocks } from "./write.ts";

const line = (resourceId: string, from: string, to: string, quantity = 1) => ({
  resourceId,
  from,
  to,
  quantity,
});

/** Whether the keys never go down: the one order every transaction takes its locks in. */
function ascending(keys: [number, number][]): boolean {
  return keys.every((k, i) =>
    i === 0 || keys[i - 1][0] < k[0] || (keys[i - 1][0] === k[0] && keys[i - 1][1] <= k[1])
  );
}

Deno.test("needs: given overlapping lines, units add up per (resource, date), once each", () => {
  const needs = needsOf([
    line("room", "2030-06-01", "2030-06-03"),
    line("room", "2030-06-02", "2030-06-04", 2),
    line("car", "2030-06-02", "2030-06-03", 4),
  ]);
  const byPair = Object.fromEntries(needs.map((n) => [`${n.resourceId} ${n.date}`, n.quantity]));
  assert.deepEqual(byPair, {
    "room 2030-06-01": 1,
    "room 2030-06-02": 3,
    "room 2030-06-03": 2,
    "car 2030-06-02": 4,
  });
  assert.equal(needs.length, 4);
});

Deno.test("lock order: two bookings of the same nights lock them in one order, whatever their lines' order", () => {
  const lines = [
    line("room-a", "2030-06-01", "2030-06-04"),
    line("room-b", "2030-06-02", "2030-06-03"),
    line("hall", "2030-05-30", "2030-06-02"),
  ];
  const one = needsOf(lines).map((n) => `${n.resourceId} ${n.date}`);
  const other = needsOf(lines.toReversed()).map((n) => `${n.resourceId} ${n.date}`);
  assert.deepEqual(other, one);
  assert.ok(ascending(needsOf(lines).map((n) => lockKey(n.resourceId, n.date))));
  // Dates of one resource lock in date order (the epoch day is the key's second half).
  const dates = sortForLocks(["2030-06-03", "2029-12-31", "2030-06-01"].map((date) => ({
    resourceId: "room-a",
    date,
  }))).map((p) => p.date);
  assert.deepEqual(dates, ["2029-12-31", "2030-06-01", "2030-06-03"]);
});

Deno.test("batch locks: every (resource, date) once, in order, then the idempotency keys", () => {
  const change = (r: string, d: string): Command => ({
    kind: "change",
    at: "2030-05-01T10:00:00Z",
    reservationId: "0190a0a0-0000-7000-8000-000000000001",
    expectStatus: "pending",
    expectVersion: 0,
    status: "confirmed",
    deltas: [{ r, d, h: -1, s: 1 }],
    releaseSeats: false,
    history: [],
    events: [],
    idempotency: { apiKeyId: "k1", key: `key-${r}`, requestHash: "h", expiresAt: "2030-05-02" },
  });
  const price: Command = { kind: "price", resourceId: "room-a", date: "2030-06-01", price: 1 };
  const locks = batchLocks([
    change("room-b", "2030-06-02"),
    change("room-a", "2030-06-01"),
    price,
  ]);
  const pairs = [lockKey("room-a", "2030-06-01"), lockKey("room-b", "2030-06-02")];
  assert.equal(locks.length, 4, "room-a's night once, room-b's once, two idempotency keys");
  const head = locks.slice(0, 2);
  assert.ok(ascending(head), "the nights come first, in lock order");
  assert.deepEqual(new Set(head.map(String)), new Set(pairs.map(String)));
  assert.ok(ascending(locks.slice(2)), "the idempotency keys are sorted too");
  const samePair = (a: [number, number], b: [number, number]) => a[0] === b[0] && a[1] === b[1];
  assert.ok(!locks.slice(2).some((k) => pairs.some((p) => samePair(k, p))));
});
