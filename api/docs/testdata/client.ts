/**
 * A client whose every answer goes through the OpenAPI response validator: what the contract
 * tests send their requests with.
 */
import assert from "node:assert/strict";
import type { Answer } from "../../../testing/openapi.ts";
import type { ContractChecker } from "../../../testing/openapi.ts";
import type { Sql } from "../../../shared/db/mod.ts";
import type { testApp } from "../../../testing/app.ts";
import { ADMIN_KEY } from "../../../testing/app.ts";

export type App = ReturnType<typeof testApp>["app"];

/**
 * A client of `app` whose every answer `checker` judges; `problems` collects what broke the
 * contract, `expect` what a step expected and did not get.
 */
export function contractClient(app: App, checker: ContractChecker, problems: string[]) {
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

/** The app's `/openapi.json`. */
export async function documentOf(app: App) {
  return await (await app.request("/openapi.json")).json();
}

/** What a step of the walk needs: the checked client, the database and the test clock. */
export interface Walk {
  call: ReturnType<typeof contractClient>;
  sql: Sql;
  now: () => Date;
  /** The date `n` days from the clock's today at the walk's property (Europe/Amsterdam). */
  day: (n: number) => string;
}

/** Asserts `r` has `status`, saying `what` it was and showing the body when not. */
export const ok = (r: { status: number; body: unknown }, status: number, what: string) =>
  assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
