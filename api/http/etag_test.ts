import assert from "node:assert/strict";
import { Hono } from "hono";
import { ifMatchOf, ifMatchTags } from "./etag.ts";

/** What the helpers read from a request with this If-Match. */
async function read(ifMatch?: string) {
  const app = new Hono().get("/", (c) => c.json({ tags: ifMatchTags(c), versions: ifMatchOf(c) }));
  const res = await app.request("/", {
    headers: ifMatch === undefined ? {} : { "if-match": ifMatch },
  });
  return await res.json();
}

Deno.test("if-match: absent or * asks for nothing", async () => {
  assert.deepEqual(await read(), {});
  assert.deepEqual(await read(" * "), {});
});

Deno.test("if-match: strong tags are read, weak ones and bare words name nothing", async () => {
  assert.deepEqual(await read('"3"'), { tags: ['"3"'], versions: [3] });
  assert.deepEqual(await read('"2", W/"3", "4"'), { tags: ['"2"', '"4"'], versions: [2, 4] });
  assert.deepEqual(await read('"bogus"'), { tags: ['"bogus"'], versions: [] });
  assert.deepEqual(await read("3"), { tags: [], versions: [] });
  assert.deepEqual(await read('W/"3"'), { tags: [], versions: [] });
  assert.deepEqual(await read('"99999999999"'), { tags: ['"99999999999"'], versions: [] });
});
