/**
 * Hostile requests for the hostile-input suite (`hostile_test.ts`). Most are a valid example of
 * their route with one part mutated (a body field, a query or path parameter), so that they get
 * past the validator into handlers and SQL; the rest are hostile all over. Headers are mostly
 * those of a good client, sometimes not (`headers.ts`). The values are in `values.ts`, the body
 * mutations in `mutation.ts`.
 * @module
 */
import fc from "fast-check";
import type { Json } from "./values.ts";
import {
  hostileDate,
  hostileKey,
  hostileNumber,
  hostileText,
  hostileValue,
  rawBodies,
} from "./values.ts";
import { mutatedJson, pathsOf, vocabularyOf } from "./mutation.ts";
import type { Keys } from "./headers.ts";
import { headersFor } from "./headers.ts";

/** A valid request of one route: path parameters, query parameters, a JSON body. */
export interface Example {
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** JSON: what JSON.stringify makes of it is sent */
  body?: unknown;
}

/** A route with its valid example. */
export interface Target {
  method: string;
  path: string;
  example: Example;
}

/** A request as sent and as a failure report prints it. */
export interface HostileRequest {
  /** `METHOD /pattern` of the route it was made from */
  route: string;
  method: string;
  /** path and query, encoded */
  url: string;
  headers: Record<string, string>;
  body?: string;
}

// --- path and query ----------------------------------------------------------------------------

/** Percent-encodes what a client can send; a lone surrogate goes as U+FFFD, as a client's would. */
const encode = (s: string) => encodeURIComponent(s.toWellFormed());

/** Encoded path segments no client library would make. */
const rawSegments = [
  "%00",
  "%ZZ",
  "%",
  "%ED%A0%80",
  "%C0%80",
  "%FF",
  "%2F",
  "a%2Fb",
  "..",
  "%2e%2e",
  "%20",
  "+",
  "%E2%80%AE",
  "x".repeat(5000),
];

/** A path parameter: a valid id of some other route, hostile text, or a raw segment. */
function hostileSegment(ids: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...ids).map(encode) },
    { weight: 1, arbitrary: hostileText.map(encode) },
    { weight: 1, arbitrary: fc.constantFrom(...rawSegments) },
  );
}

type Query = [string, string][];

const queryJunk = [
  "%",
  "a=%ZZ",
  "%00=1",
  "from=%ED%A0%80",
  "=",
  "&&",
  "limit=1e3",
  "limit=-1",
  "limit=0x10",
  "limit=%20",
  "from[]=2030-06-01",
];

function renderQuery(q: Query, junk: string[]): string {
  const parts = [...q.map(([k, v]) => `${encode(k)}=${encode(v)}`), ...junk];
  return parts.length ? `?${parts.join("&")}` : "";
}

/** A query value: hostile, or valid text from `words` (ids, dates, names of the examples). */
const hostileQueryValue = (words: string[]) =>
  fc.oneof(
    hostileText,
    hostileDate,
    hostileNumber.map(String),
    fc.constantFrom(...words),
  );

/** The query with one parameter replaced, dropped, repeated, or one added. */
function mutatedQuery(q: Query, words: string[], keys: string[]): fc.Arbitrary<string> {
  const value = hostileQueryValue(words);
  const edits: fc.Arbitrary<string>[] = [
    fc.tuple(fc.oneof(fc.constantFrom(...keys), hostileKey), value).map(([k, v]) =>
      renderQuery([...q, [k, v]], [])
    ),
    fc.constantFrom(...queryJunk).map((j) => renderQuery(q, [j])),
  ];
  if (q.length) {
    const at = fc.integer({ min: 0, max: q.length - 1 });
    edits.push(
      fc.tuple(at, value).map(([i, v]) =>
        renderQuery(q.map(([k, x], j) => [k, j === i ? v : x]), [])
      ),
      at.map((i) => renderQuery(q.filter((_, j) => j !== i), [])),
      fc.tuple(at, value).map(([i, v]) => renderQuery([...q, [q[i][0], v]], [])),
    );
  }
  return fc.oneof(...edits);
}

// --- requests ----------------------------------------------------------------------------------

interface Parts {
  params: Record<string, string>;
  query: string;
  body?: string;
}

const methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PURGE"];

/** The parameter names of a Hono path pattern. */
export const paramsOf = (path: string) => [...path.matchAll(/:(\w+)/g)].map((m) => m[1]);

/** `path` with its parameters put in (encoded already). */
const fill = (path: string, params: Record<string, string>) =>
  path.replace(/:(\w+)/g, (_, n: string) => params[n]);

/** The example's parts, encoded. */
function exampleParts(t: Target): Parts {
  return {
    params: Object.fromEntries(
      paramsOf(t.path).map((n) => [n, encode(t.example.params?.[n] ?? "")]),
    ),
    query: renderQuery(Object.entries(t.example.query ?? {}), []),
    body: t.example.body === undefined ? undefined : JSON.stringify(t.example.body),
  };
}

/** The example of `t` as a good client sends it. */
export function exampleRequest(t: Target, headers: Record<string, string>): HostileRequest {
  const p = exampleParts(t);
  return {
    route: `${t.method} ${t.path}`,
    method: t.method,
    url: fill(t.path, p.params) + p.query,
    headers: p.body === undefined ? headers : { "content-type": "application/json", ...headers },
    ...(p.body !== undefined ? { body: p.body } : {}),
  };
}

/** How much there is to mutate in a route's example: its body's nodes and its parameters. */
const size = (t: Target) =>
  (t.example.body === undefined ? 0 : pathsOf(t.example.body as Json).length) +
  paramsOf(t.path).length + Object.keys(t.example.query ?? {}).length;

/**
 * Requests for `targets`: nearly valid mostly, hostile all over now and then. A route with
 * more to mutate gets more requests.
 */
export function hostileRequest(
  targets: Target[],
  ids: string[],
  keys: Keys,
): fc.Arbitrary<HostileRequest> {
  const words = vocabularyOf(targets.map((t) => t.example), ids);
  const texts = words.values.filter((v) => typeof v === "string" || typeof v === "number")
    .map(String);
  return fc.oneof(...targets.map((t) => ({ weight: 1 + size(t), arbitrary: requestFor(t) })));

  /** Requests for one route. */
  function requestFor(t: Target): fc.Arbitrary<HostileRequest> {
    const names = paramsOf(t.path);
    const query: Query = Object.entries(t.example.query ?? {});
    const valid = exampleParts(t);
    const params = valid.params;
    type Weighted = { weight: number; arbitrary: fc.Arbitrary<Parts> };
    const mutations: Weighted[] = [{
      weight: query.length ? 3 : 1,
      arbitrary: mutatedQuery(query, texts, words.keys).map((q) => ({ ...valid, query: q })),
    }];
    const body = t.example.body as Json | undefined;
    if (body !== undefined) {
      const text = JSON.stringify(body);
      mutations.push({
        weight: 5,
        arbitrary: mutatedJson(body, words).map((b) => ({
          ...valid,
          body: b === undefined ? undefined : JSON.stringify(b),
        })),
      }, {
        weight: 1,
        arbitrary: fc.integer({ min: 0, max: text.length - 1 }).map((n) => ({
          ...valid,
          body: text.slice(0, n),
        })),
      });
    }
    for (const name of names) {
      mutations.push({
        weight: 2,
        arbitrary: hostileSegment(ids).map((s) => ({ ...valid, params: { ...params, [name]: s } })),
      });
    }
    const wild: fc.Arbitrary<Parts> = fc.record({
      params: fc.record(Object.fromEntries(names.map((n) => [n, hostileSegment(ids)]))),
      query: fc.tuple(
        fc.array(fc.tuple(hostileKey, hostileQueryValue(texts)), { maxLength: 4 }),
        fc.subarray(queryJunk, { maxLength: 2 }),
      ).map(([q, junk]) => renderQuery(q, junk)),
      body: fc.option(
        fc.oneof(hostileValue.map((v) => JSON.stringify(v)), rawBodies),
        { nil: undefined },
      ),
    });
    const parts = fc.oneof(
      { weight: 2, arbitrary: fc.constant(valid) },
      { weight: 6, arbitrary: fc.oneof(...mutations) },
      { weight: 2, arbitrary: wild },
    );
    const method = fc.oneof(
      { weight: 9, arbitrary: fc.constant(t.method) },
      { weight: 1, arbitrary: fc.constantFrom(...methods) },
    );
    return fc.tuple(parts, method).chain(([p, m]) => {
      const body = m === "GET" || m === "HEAD" ? undefined : p.body;
      return headersFor(keys, body !== undefined).map((headers) => ({
        route: `${t.method} ${t.path}`,
        method: m,
        url: fill(t.path, p.params) + p.query,
        headers,
        ...(body !== undefined ? { body } : {}),
      }));
    });
  }
}
