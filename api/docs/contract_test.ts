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
import type { Answer } from "../../testing/openapi.ts";
import { ContractChecker } from "../../testing/openapi.ts";
import { connectDb } from "../../shared/db/mod.ts";
import { changeStatus, localDate } from "../../shared/booking/mod.ts";
import { ADMIN_KEY, rawHttp, testApp } from "../../testing/app.ts";

type App = ReturnType<typeof testApp>["app"];

/**
 * A client of `app` whose every answer `checker` judges; `problems` collects what broke the
 * contract, `expect` what a step expected and did not get.
 */
function contractClient(app: App, checker: ContractChecker, problems: string[]) {
  return async function call(
    method: string,
    path: string,
    opts: { body?: unknown; key?: string | null; headers?: Record<string, string> } = {},
  ) {
    const key = opts.key === undefined ? ADMIN_KEY : opts.key;
    const body = opts.body === undefined
      ? undefined
      : typeof opts.body === "string"
      ? opts.body
      : JSON.stringify(opts.body);
    const res = await app.request(path, {
      method,
      headers: {
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...opts.headers,
      },
      body,
    });
    const answer: Answer = {
      method,
      path: new URL(path, "http://berth").pathname,
      status: res.status,
      headers: res.headers,
      text: await res.text(),
    };
    problems.push(...checker.problems(answer).map((p) => `${method} ${path}: ${p}`));
    // deno-lint-ignore no-explicit-any -- bodies are whatever JSON the api sent
    let json: any = null;
    try {
      json = answer.text ? JSON.parse(answer.text) : null;
    } catch {
      json = answer.text;
    }
    return { status: res.status, body: json, headers: res.headers };
  };
}

async function documentOf(app: App) {
  return await (await app.request("/openapi.json")).json();
}

integration(
  "contract: the walk-through and every operation answer as /openapi.json says",
  async (t) => {
    const db = await testDatabase();
    const { app, clock } = testApp(db.sql);
    try {
      const checker = new ContractChecker(await documentOf(app));
      const problems: string[] = [];
      const call = contractClient(app, checker, problems);
      const ok = (r: { status: number; body: unknown }, status: number, what: string) =>
        assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
      const day = (n: number) =>
        localDate(new Date(clock.now().getTime() + n * 86_400_000), "Europe/Amsterdam");

      await t.step("the README's walk-through", async () => {
        const p = await call("POST", "/v1/properties", {
          body: { name: "Harbour Hotel", timezone: "Europe/Amsterdam", currency: "EUR" },
        });
        ok(p, 201, "property");
        const P = p.body.id;
        const room = await call("POST", `/v1/properties/${P}/resources`, {
          body: { name: "Double room", kind: "room" },
        });
        ok(room, 201, "room");
        const show = await call("POST", `/v1/properties/${P}/resources`, {
          body: { name: "Friday show", kind: "seat", seats: ["A1", "A2", "A3", "A4"] },
        });
        ok(show, 201, "show");
        const ROOM = room.body.id;
        const SHOW = show.body.id;
        ok(
          await call("PUT", `/v1/properties/${P}/resources/${ROOM}/inventory`, {
            body: { from: day(0), to: day(10), total: 10, price: 12000 },
          }),
          200,
          "room inventory",
        );
        ok(
          await call("PUT", `/v1/properties/${P}/resources/${SHOW}/inventory`, {
            body: { from: day(4), to: day(5), price: 4500 },
          }),
          200,
          "show inventory",
        );
        const client = await call("POST", "/v1/api-keys", {
          body: { name: "front desk", role: "client" },
        });
        ok(client, 201, "client key");
        const CLIENT = client.body.key;
        ok(
          await call("GET", `/v1/availability?propertyId=${P}&from=${day(0)}&to=${day(5)}`, {
            key: CLIENT,
          }),
          200,
          "availability",
        );
        const booking = (items: unknown[]) => ({
          propertyId: P,
          userId: "guest-42",
          guest: { name: "Ada Lovelace", email: "ada@example.com" },
          items,
          payment: { token: "tok_ok_visa" },
        });
        const stay = booking([{ resourceId: ROOM, from: day(1), to: day(3), quantity: 1 }]);
        const R = await call("POST", "/v1/reservations", {
          body: stay,
          key: CLIENT,
          headers: { "idempotency-key": `room-${P}` },
        });
        ok(R, 201, "booking");
        const again = await call("POST", "/v1/reservations", {
          body: stay,
          key: CLIENT,
          headers: { "idempotency-key": `room-${P}` },
        });
        ok(again, 201, "replayed booking");
        assert.equal(again.headers.get("idempotent-replayed"), "true");
        const seat = await call("POST", "/v1/reservations", {
          body: booking([{ resourceId: SHOW, from: day(4), to: day(5), seats: ["A2"] }]),
          key: CLIENT,
          headers: { "idempotency-key": `seat-${P}` },
        });
        ok(seat, 201, "seat");
        ok(await call("GET", `/v1/reservations/${R.body.id}`, { key: CLIENT }), 200, "read");

        // The payments service would confirm it; here the engine does, as the service does.
        const ctx = { now: clock.now(), correlationId: "contract" };
        const today = await call("POST", "/v1/reservations", {
          body: booking([{ resourceId: ROOM, from: day(0), to: day(1), quantity: 1 }]),
          key: CLIENT,
          headers: { "idempotency-key": `today-${P}` },
        });
        await changeStatus(db.sql, today.body.id, "confirm", ctx);
        ok(
          await call("POST", `/v1/reservations/${today.body.id}/check-in`, { key: CLIENT }),
          200,
          "in",
        );
        ok(
          await call("POST", `/v1/reservations/${today.body.id}/check-out`, { key: CLIENT }),
          200,
          "out",
        );

        const shorter = await call("PATCH", `/v1/reservations/${R.body.id}`, {
          body: { items: [{ resourceId: ROOM, from: day(1), to: day(2), quantity: 1 }] },
          key: CLIENT,
        });
        ok(shorter, 200, "a cheaper change");
        const longer = await call("PATCH", `/v1/reservations/${R.body.id}`, {
          body: { items: [{ resourceId: ROOM, from: day(1), to: day(4), quantity: 2 }] },
          key: CLIENT,
        });
        ok(longer, 202, "a dearer change");
        assert.ok(longer.body.pendingModification);

        const cancel = (key: string) =>
          call("POST", `/v1/reservations/${seat.body.id}/cancel`, {
            key: CLIENT,
            headers: { "idempotency-key": key },
          });
        ok(await cancel(`cancel-${seat.body.id}`), 200, "cancel");
        const replayed = await cancel(`cancel-${seat.body.id}`);
        ok(replayed, 200, "cancel again");
        assert.equal(replayed.headers.get("idempotent-replayed"), "true");
        ok(await call("GET", `/v1/users/guest-42/reservations`, { key: CLIENT }), 200, "history");
      });

      await t.step("every other operation", async () => {
        const list = await call("GET", "/v1/properties");
        ok(list, 200, "properties");
        const P = list.body.items[0].id;
        ok(await call("GET", `/v1/properties/${P}`), 200, "property");
        const resources = await call("GET", `/v1/properties/${P}/resources`);
        ok(resources, 200, "resources");
        const ROOM = resources.body.items.find((r: { kind: string }) => r.kind === "room").id;
        const base = `/v1/properties/${P}/resources/${ROOM}`;
        ok(
          await call("PUT", `${base}/rate-rules`, {
            body: { tiers: [{ occupancy: 0.5, multiplier: 1.25 }], floor: 10000, ceiling: 20000 },
          }),
          200,
          "put rules",
        );
        ok(await call("GET", `${base}/rate-rules`), 200, "rules");
        const inventory = await call("GET", `${base}/inventory?from=${day(0)}&to=${day(5)}`);
        ok(inventory, 200, "inventory");
        const stale = await call("PUT", `${base}/inventory`, {
          body: { from: day(0), to: day(5), total: 10, price: 13000 },
          headers: { "if-match": '"stale"' },
        });
        assert.deepEqual([stale.status, stale.body.code], [412, "precondition_failed"]);
        ok(
          await call("PUT", `${base}/inventory`, {
            body: { from: day(0), to: day(5), total: 10, price: 12000 },
            headers: { "if-match": inventory.headers.get("etag")! },
          }),
          200,
          "inventory as read",
        );
        const found = await call("GET", `/v1/properties/${P}/reservations?limit=1`);
        ok(found, 200, "search");
        assert.ok(found.body.nextCursor, "more than one page");
        ok(await call("GET", found.body.next), 200, "the next page");
        ok(await call("GET", `${base}/rates?from=${day(0)}&to=${day(5)}`), 200, "rates");
        const [{ id: reservationId }] = await db.sql`select id from reservations limit 1`;
        ok(await call("GET", `/v1/rates/applied?reservationId=${reservationId}`), 200, "applied");
        ok(await call("GET", `/v1/properties/${P}/kpis?from=${day(0)}&to=${day(5)}`), 200, "kpis");
        ok(await call("GET", `/v1/audit?propertyId=${P}`), 200, "audit");

        const hook = await call("POST", `/v1/properties/${P}/webhooks`, {
          body: { url: "https://hooks.example.com/berth", events: ["reservation.confirmed"] },
        });
        ok(hook, 201, "webhook");
        ok(await call("GET", `/v1/properties/${P}/webhooks`), 200, "webhooks");
        ok(await call("GET", `/v1/webhooks/${hook.body.id}`), 200, "webhook");
        ok(await call("POST", `/v1/webhooks/${hook.body.id}/enable`), 200, "enable");
        ok(await call("GET", `/v1/webhooks/${hook.body.id}/deliveries?limit=5`), 200, "deliveries");
        ok(await call("DELETE", `/v1/webhooks/${hook.body.id}`), 204, "delete webhook");

        const keys = await call("GET", "/v1/api-keys");
        ok(keys, 200, "keys");
        ok(await call("DELETE", `/v1/api-keys/${keys.body.items[0].id}`), 200, "revoke");

        ok(await call("GET", "/v1/ops/summary"), 200, "ops summary");
        for (
          const path of [
            "/health",
            "/ready",
            "/metrics",
            "/openapi.json",
            "/docs",
            "/ops",
            "/ops/client.js",
          ]
        ) {
          ok(await call("GET", path, { key: null }), 200, path);
        }
      });

      await t.step("the error cases", async () => {
        const P = (await db.sql`select id from properties limit 1`)[0].id;
        const [{ id: ROOM }] = await db.sql`select id from resources where kind = 'room' limit 1`;
        const fine =
          (status: number, code: string) => (r: { status: number; body: { code: string } }) =>
            assert.deepEqual([r.status, r.body.code], [status, code], JSON.stringify(r.body));
        const client = (await call("POST", "/v1/api-keys", { body: { name: "c", role: "client" } }))
          .body.key;
        const stay = (from: string, to: string, quantity = 1) => ({
          propertyId: P,
          userId: "guest-7",
          guest: { name: "Ada", email: "ada@example.com" },
          items: [{ resourceId: ROOM, from, to, quantity }],
          payment: { token: "tok_ok" },
        });
        const book = (body: unknown, key: string) =>
          call("POST", "/v1/reservations", { body, headers: { "idempotency-key": key } });

        fine(401, "unauthorized")(await call("GET", "/v1/properties", { key: null }));
        fine(401, "unauthorized")(await call("GET", "/v1/properties", { key: "nobody-at-all" }));
        fine(403, "forbidden")(
          await call("POST", "/v1/api-keys", {
            body: { name: "x", role: "admin" },
            key: client,
          }),
        );
        fine(403, "forbidden")(
          await call("GET", `/v1/rates/applied?reservationId=${crypto.randomUUID()}`, {
            key: client,
          }),
        );
        fine(400, "validation_failed")(await call("POST", "/v1/properties", { body: {} }));
        fine(400, "validation_failed")(await call("GET", "/v1/reservations/not-a-uuid"));
        fine(400, "validation_failed")(
          await call("GET", `/v1/availability?propertyId=${P}&from=x&to=y`),
        );
        fine(400, "validation_failed")(
          await call("POST", "/v1/reservations", { body: stay(day(1), day(2)) }),
        );
        fine(400, "date_in_past")(await book(stay(day(-2), day(-1)), "past"));
        fine(404, "not_found")(await call("GET", `/v1/reservations/${crypto.randomUUID()}`));
        fine(404, "not_found")(await call("GET", "/v1/properties/nowhere"));
        fine(404, "not_found")(await call("DELETE", "/v1/webhooks/wh_none"));
        fine(404, "not_found")(await call("DELETE", `/v1/api-keys/${crypto.randomUUID()}`));
        fine(409, "conflict")(
          await call("POST", "/v1/properties", {
            body: { id: P, name: "Again", timezone: "UTC", currency: "EUR" },
          }),
        );
        fine(409, "sold_out")(await book(stay(day(6), day(7), 11), "too-many"));
        const first = await book(stay(day(6), day(7)), "once");
        ok(first, 201, "a booking");
        fine(409, "idempotency_conflict")(await book(stay(day(7), day(8)), "once"));
        fine(409, "too_early")(
          await (async () => {
            await changeStatus(db.sql, first.body.id, "confirm", {
              now: clock.now(),
              correlationId: "c",
            });
            return await call("POST", `/v1/reservations/${first.body.id}/check-in`);
          })(),
        );
        fine(409, "inventory_below_booked")(
          await call("PUT", `/v1/properties/${P}/resources/${ROOM}/inventory`, {
            body: { from: day(6), to: day(7), total: 0, price: 12000 },
          }),
        );
        const dearer = await call("PATCH", `/v1/reservations/${first.body.id}`, {
          body: { items: [{ resourceId: ROOM, from: day(6), to: day(8), quantity: 1 }] },
        });
        ok(dearer, 202, "a dearer change");
        fine(409, "modification_pending")(
          await call("PATCH", `/v1/reservations/${first.body.id}`, {
            body: { items: [{ resourceId: ROOM, from: day(6), to: day(9), quantity: 1 }] },
          }),
        );
        ok(await call("POST", `/v1/reservations/${first.body.id}/cancel`), 200, "cancel");
        fine(409, "invalid_transition")(
          await call("POST", `/v1/reservations/${first.body.id}/cancel`),
        );
        fine(413, "payload_too_large")(
          await call("POST", "/v1/properties", {
            body: { name: "x".repeat(70_000), timezone: "UTC", currency: "EUR" },
          }),
        );
        fine(415, "unsupported_media_type")(
          await call("POST", "/v1/properties", {
            body: "name=x",
            headers: { "content-type": "application/x-www-form-urlencoded" },
          }),
        );
      });

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
