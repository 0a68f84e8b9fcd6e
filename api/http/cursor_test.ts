import assert from "node:assert/strict";
import { z } from "zod";
import { encodeCursor, positionOf } from "./cursor.ts";
import { ValidationFailed } from "../../shared/errors/mod.ts";

const id = z.uuid();
const position = { at: "2030-06-01T08:00:00.123456Z", id: "0190a8f0-0000-7000-8000-000000000001" };

Deno.test("cursor: what a page names is what the next request reads, microseconds too", () => {
  const cursor = encodeCursor(position);
  assert.match(cursor, /^[A-Za-z0-9_-]+$/, "safe in a URL as it is");
  assert.deepEqual(positionOf(cursor, id), position);
  assert.equal(positionOf(undefined, id), null);
});

Deno.test("cursor: a malformed or altered one is 400 naming cursor", () => {
  const made = (parts: unknown) => btoa(JSON.stringify(parts));
  for (
    const bad of [
      "%%",
      "bm90LWEtY3Vyc29y",
      made({ at: position.at, id: position.id }),
      made([position.at]),
      made([position.at, "p_hotel"]),
      made(["2030-13-01T00:00:00.000000Z", position.id]),
      made(["2030-02-30T00:00:00.000000Z", position.id]),
      made(["0000-01-01T00:00:00.000000Z", position.id]),
      made(["2030-06-01T08:00:00Z", position.id]),
      made([1, position.id]),
      made([position.at, "a\u0000b"]),
    ]
  ) {
    assert.throws(
      () => positionOf(bad, id),
      (e) => e instanceof ValidationFailed && e.errors?.[0].path === "query.cursor",
      bad,
    );
  }
});
