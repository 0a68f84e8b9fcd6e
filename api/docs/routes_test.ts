import assert from "node:assert/strict";
import { Hono } from "hono";
import { docsRoutes } from "./routes.ts";

const app = new Hono().route("/", docsRoutes());

Deno.test("docs: /openapi.json is OpenAPI 3.1 built from the request schemas", async () => {
  const doc = await (await app.request("/openapi.json")).json();
  assert.equal(doc.openapi, "3.1.0");
  const book = doc.paths["/v1/reservations"].post;
  const schema = book.requestBody.content["application/json"].schema;
  assert.deepEqual(schema.required.sort(), ["guest", "items", "payment", "propertyId", "userId"]);
  assert.equal(schema.properties.guest.properties.email.format, "email");
  assert.equal(schema.properties.items.items.properties.from.format, "date");
  assert.ok(
    book.parameters.some((p: { name: string; required: boolean }) =>
      p.name === "Idempotency-Key" && p.required
    ),
  );
  assert.ok(book.responses["409"]);
  const avail = doc.paths["/v1/availability"].get.parameters.map((p: { name: string }) => p.name);
  assert.deepEqual(avail.sort(), ["from", "propertyId", "resourceId", "to"]);
});

Deno.test("docs: /docs lists every operation", async () => {
  const res = await app.request("/docs");
  assert.match(res.headers.get("content-type")!, /text\/html/);
  const html = await res.text();
  const doc = await (await app.request("/openapi.json")).json();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const method of Object.keys(ops as object)) {
      assert.ok(html.includes(`${method.toUpperCase()} ${path}`), `${method} ${path}`);
    }
  }
});
