/**
 * The server keeps its contract: the README's walk-through, every other operation and the error
 * cases are sent to the api, and every answer goes through an OpenAPI response validator
 * against `/openapi.json` (`testing/openapi.ts`): an undeclared status, another
 * Content-Type or a body off its schema fails. The document itself is linted with Redocly's
 * recommended rules.
 */
import assert from "node:assert/strict";
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { integration, testDatabase } from "../../testing/mod.ts";
import { ContractChecker } from "../../testing/openapi.ts";
import { connectDb } from "../../shared/db/mod.ts";
import { localDate } from "../../shared/booking/mod.ts";
import { ADMIN_KEY, rawHttp, testApp } from "../../testing/app.ts";
import type { App, Walk } from "./testdata/client.ts";
import { contractClient, documentOf } from "./testdata/client.ts";
import { everyOtherOperation, readmeWalk } from "./testdata/walk.ts";
import { errorCases } from "./testdata/errors.ts";

integration(
  "contract: the walk-through and every operation answer as /openapi.json says",
  async (t) => {
    const db = await testDatabase();
    const { app, clock } = testApp(db.sql);
    try {
      const checker = new ContractChecker(await documentOf(app));
      const problems: string[] = [];
      const walk: Walk = {
        call: contractClient(app, checker, problems),
        sql: db.sql,
        now: clock.now,
        day: (n) => localDate(new Date(clock.now().getTime() + n * 86_400_000), "Europe/Amsterdam"),
      };
      await t.step("the README's walk-through", () => readmeWalk(walk));
      await t.step("every other operation", () => everyOtherOperation(walk));
      await t.step("the error cases", () => errorCases(walk));
      assert.deepEqual(problems, [], "answers the contract does not allow");
      assert.deepEqual(checker.unexercised(), [], "operations the walk never saw succeed");
    } finally {
      await db.drop();
    }
  },
);

integration("contract: the gateway's 408, 429, 503 and 504 answer as declared", async () => {
  const db = await testDatabase();
  const hub = await Deno.makeTempDir();
  // A metrics hub that takes connections and never answers.
  const silent = Deno.listen({ transport: "unix", path: `${hub}/silent.sock` });
  const held: Deno.Conn[] = [];
  (async () => {
    for await (const conn of silent) held.push(conn);
  })();
  const down = connectDb("postgres://berth@127.0.0.1:1/berth", { max: 1 });
  try {
    const checker = new ContractChecker(await documentOf(testApp(db.sql).app));
    const problems: string[] = [];
    const expect = async (
      app: App,
      [method, path, init]: [string, string, RequestInit?],
      status: number,
      code: string,
    ) => {
      const call = contractClient(app, checker, problems);
      const r = await call(method, path, { body: init?.body as string | undefined });
      assert.deepEqual([r.status, r.body?.code], [status, code], `${method} ${path}`);
    };

    const limited = testApp(db.sql, { env: { BERTH_RATE_LIMIT_PER_SECOND: "1" } }).app;
    await expect(limited, ["GET", "/v1/properties"], 200, undefined as never);
    await expect(limited, ["GET", "/v1/properties"], 429, "rate_limited");

    const noHub = testApp(db.sql, { env: { BERTH_METRICS_HUB: `${hub}/none.sock` } }).app;
    await expect(noHub, ["GET", "/metrics"], 503, "metrics_unavailable");
    const slowHub = testApp(db.sql, {
      env: { BERTH_METRICS_HUB: `${hub}/silent.sock`, BERTH_REQUEST_TIMEOUT_MS: "200" },
    }).app;
    await expect(slowHub, ["GET", "/metrics"], 504, "timeout");

    const noDb = testApp(down).app;
    await expect(noDb, ["GET", "/ready"], 503, "not_ready");
    await expect(noDb, ["GET", "/v1/properties"], 503, "unavailable");

    const { app } = testApp(db.sql, { env: { BERTH_BODY_TIMEOUT_MS: "300" } });
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
    try {
      const r = await rawHttp(
        server.addr.port,
        "POST /v1/properties HTTP/1.1\r\nHost: berth\r\n" +
          `Authorization: Bearer ${ADMIN_KEY}\r\nContent-Type: application/json\r\n` +
          'Content-Length: 100\r\n\r\n{"name":"Harbour',
      );
      assert.equal(r.status, 408);
      problems.push(...checker.problems({
        method: "POST",
        path: "/v1/properties",
        status: r.status,
        headers: r.headers,
        text: r.body,
      }));
    } finally {
      await server.shutdown();
    }
    assert.deepEqual(problems, [], "answers the contract does not allow");
  } finally {
    silent.close();
    for (const c of held) c.close();
    await down.end({ timeout: 1 });
    await Deno.remove(hub, { recursive: true });
    await db.drop();
  }
});

integration(
  "contract: /openapi.json passes Redocly's recommended rules without an error",
  async () => {
    const db = await testDatabase();
    try {
      const source = await (await testApp(db.sql).app.request("/openapi.json")).text();
      const config = await createConfig({ extends: ["recommended"] });
      const found = await lintFromString({ source, absoluteRef: "/openapi.json", config });
      const errors = found.filter((p) => p.severity === "error").map((p) =>
        `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`
      );
      assert.deepEqual(errors, []);
    } finally {
      await db.drop();
    }
  },
);
