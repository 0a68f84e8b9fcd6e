import assert from "node:assert/strict";
import { integration, testDatabase } from "../../testing/mod.ts";
import { ADMIN_KEY, rawHttp, testApp } from "../../testing/app.ts";

integration("gateway: a body shorter than its Content-Length is 408, not a hang", async () => {
  const db = await testDatabase();
  const { app } = testApp(db.sql, {
    env: { BERTH_BODY_TIMEOUT_MS: "300", BERTH_REQUEST_TIMEOUT_MS: "2000" },
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
  try {
    const started = Date.now();
    const r = await rawHttp(
      server.addr.port,
      "POST /v1/properties HTTP/1.1\r\nHost: berth\r\n" +
        `Authorization: Bearer ${ADMIN_KEY}\r\nContent-Type: application/json\r\n` +
        'Content-Length: 100\r\n\r\n{"name":"Harbour',
    );
    assert.equal(r.status, 408, r.body);
    assert.equal(r.headers.get("content-type"), "application/problem+json");
    assert.equal(JSON.parse(r.body).code, "request_timeout");
    assert.ok(Date.now() - started < 2000, "answered before the request timeout");
    const [{ n }] = await db.sql`select count(*)::int as n from properties`;
    assert.equal(n, 0, "nothing written");
  } finally {
    await server.shutdown();
    await db.drop();
  }
});
