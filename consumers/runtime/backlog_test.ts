import assert from "node:assert/strict";
import { Backlog } from "./backlog.ts";

const item = (key: string, seq: number) => ({ key, seq, name: `${key}${seq}` });
const names = (xs: { name: string }[]) => xs.map((x) => x.name);

Deno.test("backlog: a batch across keys in stream order; a redelivery goes to its place", () => {
  const b = new Backlog<ReturnType<typeof item>>();
  b.push(item("a", 1), item("b", 2), item("a", 4), item("c", 5));
  b.push(item("b", 3)); // redelivered late
  assert.deepEqual(names(b.take(10)), ["a1", "b2", "b3", "a4", "c5"]);
  assert.equal(b.size, 0);
});

Deno.test("backlog: a blocked key waits, and keeps its later items back; others go on", () => {
  const b = new Backlog<ReturnType<typeof item>>();
  b.push(item("a", 1), item("b", 2), item("a", 3), item("b", 4));
  b.block("a");
  assert.deepEqual(names(b.take(10)), ["b2", "b4"]);
  b.unblock("a");
  assert.deepEqual(names(b.take(10)), ["a1", "a3"]);
});

Deno.test("backlog: an item `may` holds back holds back the rest of its key; max is kept", () => {
  const b = new Backlog<ReturnType<typeof item>>();
  b.push(item("a", 1), item("a", 2), item("b", 3), item("a", 4), item("c", 5), item("c", 6));
  assert.deepEqual(names(b.take(10, (x) => x.seq !== 2)), ["a1", "b3", "c5", "c6"]);
  assert.deepEqual(names(b.take(1)), ["a2"]);
  assert.deepEqual(names(b.drain()), ["a4"]);
});

Deno.test("backlog: changed() resolves on a push made after it was taken", async () => {
  const b = new Backlog<ReturnType<typeof item>>();
  const changed = b.changed();
  assert.deepEqual(b.take(10), []);
  b.push(item("a", 1));
  await changed;
  assert.deepEqual(names(b.take(10)), ["a1"]);
});

Deno.test("backlog: a key blocked twice waits for both unblocks", () => {
  const b = new Backlog<ReturnType<typeof item>>();
  b.push(item("a", 1));
  b.block("a");
  b.block("a");
  b.unblock("a");
  assert.deepEqual(b.take(10), []);
  b.unblock("a");
  assert.deepEqual(names(b.take(10)), ["a1"]);
});

Deno.test("backlog: a receiver handing over takes its waiting items out", () => {
  const b = new Backlog<ReturnType<typeof item>>();
  b.push(item("a", 1), item("b", 2), item("a", 3));
  assert.deepEqual(names(b.remove((x) => x.key === "a")), ["a1", "a3"]);
  assert.deepEqual(names(b.take(10)), ["b2"]);
});
