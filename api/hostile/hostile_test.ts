/**
 * The hostile-input suite: every route of the app, in-process against a real database, gets
 * generated hostile paths, queries, headers and bodies (mostly a valid request with one part
 * mutated), and the fixed cases that once broke berth. The rules: never a 5xx; every 4xx is
 * problem+json with a stable `code`; a refused request writes nothing (no table changes); an
 * answer of a declared operation is one `/openapi.json` declares (status, type, body, code).
 *
 * `BERTH_HOSTILE_SEED` (a number, or `random`) and `BERTH_HOSTILE_RUNS` change the generation;
 * a failure prints the seed and the request.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { integration, tableDigests, testDatabase } from "../../testing/mod.ts";
import type { Sql } from "../../shared/db/mod.ts";
import { ADMIN_KEY, rawHttp, testApp } from "../../testing/app.ts";
import type { HostileRequest, Target } from "./testdata/arbitraries.ts";
import { exampleRequest, hostileRequest, paramsOf } from "./testdata/arbitraries.ts";
import { fixedCases } from "./testdata/cases.ts";
import { examplesOf, seedWorld } from "./testdata/world.ts";
import { ContractChecker } from "../../testing/openapi.ts";

/** Set once the app is built: every answer of a declared operation is held to /openapi.json. */
let contract: ContractChecker | undefined;

const seedVar = Deno.env.get("BERTH_HOSTILE_SEED") ?? "1010";
const SEED = seedVar === "random" ? Math.floor(Math.random() * 2 ** 31) : Number(seedVar);
const RUNS = Number(Deno.env.get("BERTH_HOSTILE_RUNS") ?? 500);

/** A stable problem code: snake_case words, not the fallbacks for what nobody expected. */
const stableCode = /^[a-z]+(_[a-z]+)*$/;
const fallbackCodes = ["internal", "error"];

/** What is wrong with an answer, or null. */
function complaint(method: string, status: number, headers: Headers, text: string) {
  if (status >= 500) return `a ${status}`;
  if (status < 400) return null;
  const type = headers.get("content-type") ?? "";
  if (!type.startsWith("application/problem+json")) return `a ${status} as ${type || "no type"}`;
  if (method === "HEAD") return null;
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return `a ${status} whose problem is not JSON`;
  }
  if (body.status !== status) return `a ${status} whose problem says status ${body.status}`;
  if (
    typeof body.code !== "string" || !stableCode.test(body.code) ||
    fallbackCodes.includes(body.code)
  ) {
    return `a ${status} with code ${JSON.stringify(body.code)}`;
  }
  return null;
}

/** The request as a person would read it in a failure report. */
function show(r: HostileRequest): string {
  const headers = Object.entries(r.headers).map(([k, v]) =>
    `  ${k}: ${v.length > 200 ? `${v.slice(0, 200)}… (${v.length} chars)` : v}`
  );
  const body = r.body === undefined
    ? ""
    : `\n  ${JSON.stringify(r.body.length > 2000 ? `${r.body.slice(0, 2000)}…` : r.body)}` +
      ` (${r.body.length} chars)`;
  return `${r.route}\n  ${r.method} ${r.url.slice(0, 500)}\n${headers.join("\n")}${body}`;
}

type App = ReturnType<typeof testApp>["app"];

/**
 * Sends `r` and asserts the rules, and the status (code, Allow) a fixed case expects; returns
 * the answer.
 */
async function check(
  app: App,
  sql: Sql,
  r: HostileRequest,
  expect?: { status: number; code?: string; allow?: string },
) {
  const before = await tableDigests(sql);
  const res = await app.request(r.url, { method: r.method, headers: r.headers, body: r.body });
  const text = await res.text();
  const fail = (why: string) => {
    throw new Error(`${why}\n${show(r)}\nanswer: ${res.status} ${text.slice(0, 1000)}`);
  };
  const wrong = complaint(r.method, res.status, res.headers, text);
  if (wrong) fail(wrong);
  const path = new URL(r.url, "http://berth").pathname;
  if (contract?.operationOf(r.method, path)) {
    const off = contract.problems({
      method: r.method,
      path,
      status: res.status,
      headers: res.headers,
      text,
    });
    if (off.length) fail(`off the contract: ${off.join("; ")}`);
  }
  if (expect) {
    const code = res.status >= 400 ? JSON.parse(text).code : undefined;
    if (res.status !== expect.status || (expect.code && code !== expect.code)) {
      fail(`expected ${expect.status} ${expect.code ?? ""}`);
    }
    if (expect.allow && res.headers.get("allow") !== expect.allow) {
      fail(`expected Allow: ${expect.allow}`);
    }
  }
  if (res.status >= 400) {
    const after = await tableDigests(sql);
    const changed = Object.keys(after).filter((k) => after[k] !== before[k]);
    if (changed.length) fail(`refused, yet wrote to ${changed.join(", ")}`);
  }
  return { status: res.status, text };
}

integration(
  "hostile input: no 5xx, always problem+json, nothing written on a refusal",
  async (t) => {
    const db = await testDatabase();
    // A short body waits BERTH_BODY_TIMEOUT_MS for the rest; the socket step below sends one.
    const { app, call, clock } = testApp(db.sql, { env: { BERTH_BODY_TIMEOUT_MS: "300" } });
    try {
      contract = new ContractChecker(await (await app.request("/openapi.json")).json());
      const world = await seedWorld(call, db.sql, clock.now);
      const examples = examplesOf(world);
      const admin = { authorization: `Bearer ${ADMIN_KEY}` };
      const routes = new Set(
        app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`),
      );
      const targets: Target[] = [...routes].flatMap((route) => {
        const [method, path] = route.split(" ");
        return [examples[route]].flat().map((example) => ({ method, path, example }));
      });

      await t.step("every route has an example, and the example is taken", async () => {
        const missing = targets.filter((x) =>
          !x.example || paramsOf(x.path).some((p) => x.example.params?.[p] === undefined)
        ).map((x) => `${x.method} ${x.path}`);
        assert.deepEqual(
          missing,
          [],
          "add their valid requests to examplesOf in api/hostile/testdata/world.ts",
        );
        for (const x of targets) {
          const r = exampleRequest(x, { ...admin, "idempotency-key": crypto.randomUUID() });
          const answer = await check(app, db.sql, r);
          assert.ok(answer.status < 300, `${show(r)}\nanswer: ${answer.status} ${answer.text}`);
        }
      });

      await t.step("fixed cases", async () => {
        const failed: string[] = [];
        for (const c of fixedCases(world, ADMIN_KEY)) {
          await check(app, db.sql, c.request, c).catch((err) => failed.push(err.message));
        }
        assert.equal(failed.length, 0, failed.join("\n\n"));
      });

      await t.step(
        "over a socket: a short body is 408; Deno.serve refuses huge headers",
        async () => {
          const server = Deno.serve(
            { hostname: "127.0.0.1", port: 0, onListen: () => {} },
            app.fetch,
          );
          const head = `Host: berth\r\nAuthorization: Bearer ${ADMIN_KEY}\r\n`;
          try {
            const before = await tableDigests(db.sql);
            const short = await rawHttp(
              server.addr.port,
              `POST /v1/properties HTTP/1.1\r\n${head}Content-Type: application/json\r\n` +
                'Content-Length: 100\r\n\r\n{"name":"Harbour',
            );
            assert.equal(short.status, 408, short.body);
            assert.equal(complaint("POST", short.status, short.headers, short.body), null);
            assert.equal(JSON.parse(short.body).code, "request_timeout");
            // Outside the app's reach: past 64 KiB of headers Deno.serve answers a bare 400 itself.
            const huge = await rawHttp(
              server.addr.port,
              `GET /v1/properties HTTP/1.1\r\n${head}X-Huge: ${"h".repeat(70_000)}\r\n\r\n`,
            );
            assert.equal(huge.status, 400);
            assert.deepEqual(await tableDigests(db.sql), before, "nothing written");
          } finally {
            await server.shutdown();
          }
        },
      );

      await t.step(`generated requests: seed ${SEED}, ${RUNS} runs`, async () => {
        const keys = { admin: ADMIN_KEY, client: world.clientKey };
        try {
          await fc.assert(
            fc.asyncProperty(
              hostileRequest(targets, world.ids, keys),
              async (r) => void await check(app, db.sql, r),
            ),
            { seed: SEED, numRuns: RUNS },
          );
        } catch (err) {
          throw new Error(
            `hostile input: BERTH_HOSTILE_SEED=${SEED} BERTH_HOSTILE_RUNS=${RUNS} ` +
              `./berth test api/hostile/hostile_test.ts reproduces this\n${
                (err as Error).message
              }\n` +
              `${((err as Error).cause as Error | undefined)?.message ?? ""}`,
          );
        }
      });
    } finally {
      await db.drop();
    }
  },
);
