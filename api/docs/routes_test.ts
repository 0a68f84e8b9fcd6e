import assert from "node:assert/strict";
import { integration, testDatabase } from "../../testing/mod.ts";
import { testApp } from "../../testing/app.ts";

integration("docs: /openapi.json is OpenAPI 3.1 built from the declared routes", async () => {
  const db = await testDatabase();
  try {
    const { app } = testApp(db.sql);
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
    assert.deepEqual(book.responses["201"].content["application/json"].schema, {
      $ref: "#/components/schemas/Reservation",
    });
    assert.ok(doc.components.schemas.Reservation.properties.confirmationNumber);
    const avail = doc.paths["/v1/availability"].get.parameters.map((p: { name: string }) => p.name);
    assert.deepEqual(avail.sort(), ["from", "propertyId", "resourceId", "to"]);
    const getOne = doc.paths["/v1/reservations/{id}"].get.parameters[0];
    assert.deepEqual([getOne.in, getOne.schema.format], ["path", "uuid"]);

    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, { operationId: string; responses: object }>)
        .map(([method, op]) => ({ at: `${method} ${path}`, ...op }))
    );
    assert.equal(new Set(operations.map((o) => o.operationId)).size, operations.length);
    for (const op of operations) {
      assert.ok(op.operationId, op.at);
      for (const [status, res] of Object.entries(op.responses)) {
        if (status === "204") continue;
        const content = (res as { content?: Record<string, { schema?: unknown }> }).content;
        assert.ok(content && Object.values(content).every((c) => c.schema), `${op.at} ${status}`);
      }
    }
    const hook = doc.paths["/v1/webhooks/{webhookId}"].delete.responses;
    assert.equal(hook["204"].content, undefined, "a 204 has no body");
    assert.ok(doc.paths["/metrics"].get.responses["200"].content["text/plain; version=0.0.4"]);
  } finally {
    await db.drop();
  }
});

integration("docs: /docs has a section for every operation and no script", async () => {
  const db = await testDatabase();
  try {
    const { app } = testApp(db.sql);
    const res = await app.request("/docs");
    assert.match(res.headers.get("content-type")!, /text\/html/);
    const html = await res.text();
    assert.ok(!/<script/i.test(html), "no scripts");
    const doc = await (await app.request("/openapi.json")).json();
    for (const item of Object.values(doc.paths) as Record<string, { operationId: string }>[]) {
      for (const { operationId } of Object.values(item)) {
        assert.ok(html.includes(`id="op-${operationId}"`), operationId);
      }
    }
  } finally {
    await db.drop();
  }
});
