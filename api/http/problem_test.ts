/**
 * Every code a domain error can carry reaches the client with the status the README documents:
 * the domain names codes and kinds, and `onError` alone turns them into HTTP.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import type { ErrorCode } from "../../shared/errors/mod.ts";
import { DomainError, errorCodes } from "../../shared/errors/mod.ts";
import { onError } from "./problem.ts";

const README = new URL("../../README.md", import.meta.url);

/**
 * The README's list of error codes as code → status: each status in parentheses belongs to the
 * codes named since the previous one (`sold_out`, …, `conflict` (409)). Codes it says are
 * "never an answer" come back apart.
 */
async function documented() {
  const readme = await Deno.readTextFile(README);
  const from = readme.indexOf("Errors are `application/problem+json`");
  assert.ok(from >= 0, "README.md has no paragraph on error codes");
  const paragraph = readme.slice(from, readme.indexOf("\n\n", from)).replace(/\s+/g, " ");
  const statuses = new Map<string, number>();
  let pending: string[] = [];
  for (const m of paragraph.matchAll(/`([^`]+)`|\((\d{3})\b/g)) {
    if (m[1]) pending.push(m[1]);
    else {
      for (const code of pending) if (!statuses.has(code)) statuses.set(code, Number(m[2]));
      pending = [];
    }
  }
  const never = new Set(
    [...paragraph.matchAll(/`([a-z_]+)` is never an answer|nor is `([a-z_]+)`/g)]
      .map((m) => m[1] ?? m[2]),
  );
  return { statuses, never };
}

/** What a client gets when a handler throws the domain error with `code`. */
async function answerTo(code: ErrorCode) {
  const app = new Hono().onError(onError).get("/", () => {
    throw new DomainError(code, `a ${code} refusal`);
  });
  const res = await app.request("/");
  return { status: res.status, body: await res.json(), type: res.headers.get("content-type") };
}

Deno.test("problem: every domain error code answers the status the README documents", async () => {
  const { statuses, never } = await documented();
  for (const code of Object.keys(errorCodes) as ErrorCode[]) {
    if (never.has(code)) {
      assert.ok(!statuses.has(code), `${code} is documented both as an answer and as none`);
      continue;
    }
    assert.ok(statuses.has(code), `README.md does not document ${code} with its status`);
    const answer = await answerTo(code);
    assert.equal(answer.status, statuses.get(code), `the status of ${code}`);
    assert.equal(answer.type, "application/problem+json");
    assert.equal(answer.body.code, code);
    assert.equal(answer.body.status, answer.status);
  }
});
