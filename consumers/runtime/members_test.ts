import assert from "node:assert/strict";
import { ownerOf } from "./members.ts";
import { uuidv7 } from "../../shared/ids/mod.ts";

const keys = Array.from({ length: 128 }, (_, i) => `svc${i % 16}-reservations-${i % 8}-${i}`);

Deno.test("members: each of three processes owns about a third of the partitions", () => {
  const members = ["a", "b", "c"].map((n) => `workers-${n}-${uuidv7()}`);
  const counts = new Map<string, number>();
  for (const k of keys) {
    counts.set(ownerOf(k, members)!, (counts.get(ownerOf(k, members)!) ?? 0) + 1);
  }
  assert.equal(counts.size, 3);
  for (const n of counts.values()) assert.ok(n > 128 / 3 / 2, `lopsided: ${[...counts.values()]}`);
});

Deno.test("members: a process that leaves hands over only its own partitions", () => {
  const members = ["a", "b", "c"].map((n) => `workers-${n}-${uuidv7()}`);
  const before = new Map(keys.map((k) => [k, ownerOf(k, members)]));
  const left = members.slice(0, 2);
  for (const k of keys) {
    if (before.get(k) !== members[2]) assert.equal(ownerOf(k, left), before.get(k));
    else assert.ok(left.includes(ownerOf(k, left)!));
  }
});
