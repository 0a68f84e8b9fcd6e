import assert from "node:assert/strict";
import { SoldOutCache } from "./soldout.ts";

Deno.test("sold-out cache: remembered for the bound, then asked again", () => {
  const c = new SoldOutCache(500);
  const k = SoldOutCache.key("r1", "2030-06-01");
  c.mark(k, 1000);
  assert.ok(c.has(k, 1000));
  assert.ok(c.has(k, 1499));
  assert.ok(!c.has(k, 1500), "a stale sold-out lasts at most the bound");
  assert.ok(
    !c.has(SoldOutCache.key("r1", "2030-06-01", "A1"), 1000),
    "seats are keys of their own",
  );
});

Deno.test("sold-out cache: a release forgets at once; the size is bounded", () => {
  const c = new SoldOutCache(500, 2);
  c.mark("a", 0);
  c.mark("b", 0);
  c.forget(["a"]);
  assert.ok(!c.has("a", 1));
  c.mark("c", 0);
  c.mark("d", 0);
  assert.ok(!c.has("b", 1), "the oldest key gave way");
  assert.ok(c.has("c", 1) && c.has("d", 1));
});
