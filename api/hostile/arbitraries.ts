/**
 * Hostile requests for the hostile-input suite (`hostile_test.ts`). Most are a valid example of
 * their route with one part mutated (a body field, a query or path parameter), so that they get
 * past the validator into handlers and SQL; the rest are hostile all over. Headers are mostly
 * those of a good client, sometimes not. The values aim at what has broken before: NUL, lone
 * surrogates, numbers beyond int4 and 2^53, dates outside the window and wide ranges, internal
 * URLs, deep nesting, long text, arrays for objects, extra fields.
 * @module
 */
import fc from "fast-check";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

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

// --- values ------------------------------------------------------------------------------------

/** What breaks text: NUL, lone surrogates, bidi overrides, BOM, a non-character, a new line. */
const badChars = [
  "\u0000",
  "\uD800",
  "\uDFFF",
  "\uDBFF\uDBFF",
  "\uDC00\uD800",
  "\u202E",
  "\uFEFF",
  "\uFFFF",
  "\r\n",
];
const oddText = [
  "",
  " ",
  "\t\n",
  "🏨",
  "ｐ_１",
  "null",
  "0",
  "-1",
  "true",
  "[]",
  "{}",
  "' or 1=1 --",
  "$1",
  "%s%n",
  "${x}",
  "../../etc/passwd",
  "<script>alert(1)</script>",
  "\\",
  '"',
  "RSV-2030-000001",
  "tok_slow",
  "tok_decline",
  "bootstrap-admin",
];
/** Lengths at and just past the limits the api states. */
const lengths = [16, 17, 64, 65, 128, 129, 200, 201, 254, 255, 256, 500, 501, 2000, 2001, 10_000];

/** Any UTF-16 code unit, lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

/** `text` with a bad character put in somewhere. */
const spoiled = (text: fc.Arbitrary<string>) =>
  fc.tuple(text, fc.constantFrom(...badChars), fc.nat()).map(([t, bad, at]) => {
    const i = at % (t.length + 1);
    return t.slice(0, i) + bad + t.slice(i);
  });

const hostileText: fc.Arbitrary<string> = fc.oneof(
  spoiled(fc.string({ maxLength: 10 })),
  fc.constantFrom(...lengths).map((n) => "x".repeat(n)),
  fc.constantFrom(...oddText),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.string({ unit: codeUnit, maxLength: 10 }),
);

/** Hostile text close to `valid`: spoiled, or stretched to a length at a limit. */
const hostileTextLike = (valid: string) =>
  fc.oneof(
    { weight: 2, arbitrary: spoiled(fc.constant(valid)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...lengths).map((n) => valid.padEnd(n, valid.at(-1) ?? "x")),
    },
    { weight: 1, arbitrary: hostileText },
  );

const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    0.5,
    1.5,
    1e-7,
    21,
    51,
    366,
    367,
    1001,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32,
    10_000_000_001,
    3.66e15,
    2 ** 53 - 1,
    2 ** 53,
    2 ** 53 + 2,
    2 ** 63,
    1e21,
    1e308,
    -1e308,
    Number.MIN_VALUE,
  ),
  fc.integer(),
  fc.double({ noNaN: true }),
);

const pad = (n: number, width: number) => String(n).padStart(width, "0");
const day = (epochDay: number) => new Date(epochDay * 86_400_000).toISOString().slice(0, 10);
/** 2030-06-01, where the suite's catalogue has its inventory. */
const seededDay = Date.UTC(2030, 5, 1) / 86_400_000;

const hostileDate: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "1999-12-31",
    "2000-01-01",
    "2199-12-31",
    "2200-01-01",
    "2030-02-29",
    "2032-02-30",
    "2030-13-01",
    "2030-00-10",
    "2030-06-00",
    "2030-06-31",
    "2030-6-1",
    "20300601",
    "2030-06-01T00:00:00Z",
    "+002030-06-01",
    "-002030-06-01",
    " 2030-06-01",
    "2030/06/01",
    "٢٠٣٠-٠٦-٠١",
  ),
  fc.tuple(
    fc.integer({ min: 0, max: 9999 }),
    fc.integer({ min: 0, max: 13 }),
    fc.integer({ min: 0, max: 32 }),
  ).map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`),
  // Valid days near the catalogue's: empty, inverted and long ranges, past the inventory.
  fc.integer({ min: -400, max: 400 }).map((n) => day(seededDay + n)),
);

const hostileUrl: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://0.0.0.0/",
    "http://localhost/",
    "http://localhost./",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://017700000001/",
    "http://127.1/",
    "http://[::ffff:127.0.0.1]/",
    "http://[fe80::1%25eth0]/",
    "https://10.0.0.1/",
    "https://192.168.1.1/",
    "http://user:pass@hooks.example.com/",
    "http:///nohost",
    "http://hooks.example.com/a\r\nX-Evil: 1",
    "https://hooks.example.com/\n",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "gopher://127.0.0.1:25/",
    "https://hooks.example.com:99999/",
    "https://",
    "//hooks.example.com/x",
    "https://ｅxample.com/",
  ),
  fc.webUrl(),
);

/** A list nested `depth` times. */
const nested = (depth: number): Json => {
  let v: Json = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

const hostileStructure: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, [], {}, [null], { "": "" }),
  fc.integer({ min: 50, max: 2000 }).map(nested),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.constant<Json>(
    Object.fromEntries<Json>([["__proto__", { role: "admin" }], ["constructor", {
      prototype: {},
    }]]),
  ),
);

/** Anything hostile a JSON field may hold. */
const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  hostileText,
  hostileNumber,
  hostileDate,
  hostileUrl,
  hostileStructure,
);

const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);
const isUrl = (v: string) => /^https?:/.test(v);

/**
 * Numbers near `n` that a schema may well take (0, 1, n ± 1, up to twice n): they get past the
 * validator to the rules behind it (a total below what is booked, a quantity past what is left).
 */
const plausibleNumber = (n: number) =>
  fc.oneof(
    fc.constantFrom(0, 1, n - 1, n + 1),
    fc.integer({ min: 0, max: Math.max(10, Math.min(2 * Math.round(n), 2 ** 31)) }),
  );

const hostileKey = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "toString", "", "\u0000", "id", "status", "total"),
  hostileText,
);

// --- one mutation of a JSON body ---------------------------------------------------------------

type Path = (string | number)[];

/** Every node of `v` (the root too) as a path. */
function pathsOf(v: Json, at: Path = []): Path[] {
  const children: Path[] = Array.isArray(v)
    ? v.flatMap((x, i) => pathsOf(x, [...at, i]))
    : v !== null && typeof v === "object"
    ? Object.entries(v).flatMap(([k, x]) => pathsOf(x, [...at, k]))
    : [];
  return [at, ...children];
}

function getAt(v: Json, path: Path): Json {
  return path.reduce<Json>((x, k) => (x as Record<string | number, Json>)[k], v);
}

/** `v` with the node at `path` replaced by `next`, or removed when `next` is undefined. */
function setAt(v: Json, path: Path, next: Json | undefined): Json | undefined {
  if (!path.length) return next;
  const [head, ...rest] = path;
  const child = setAt((v as Record<string | number, Json>)[head], rest, next);
  if (Array.isArray(v)) {
    return v.flatMap((x, i) => (i !== head ? [x] : child === undefined ? [] : [child]));
  }
  // Through entries, so that a "__proto__" key stays an own property.
  return Object.fromEntries(
    Object.entries(v as Record<string, Json>).flatMap(([k, x]) =>
      k !== head ? [[k, x]] : child === undefined ? [] : [[k, child]]
    ),
  );
}

/**
 * Valid pieces of every example (body keys, values, query values) and the world's ids: swapped
 * into another request they make one that is valid in form and wrong in combination (a seat
 * resource's id where a room's was, another property's, a `seats` key on a room line).
 */
interface Vocabulary {
  keys: string[];
  values: Json[];
}

function vocabularyOf(targets: Target[], ids: string[]): Vocabulary {
  const keys = new Set<string>();
  const values = new Map<string, Json>(ids.map((id) => [JSON.stringify(id), id]));
  const walk = (v: Json) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v !== null && typeof v === "object") {
      return Object.entries(v).forEach(([k, x]) => (keys.add(k), walk(x)));
    }
    values.set(JSON.stringify(v), v);
  };
  for (const t of targets) {
    if (t.example.body !== undefined) walk(t.example.body as Json);
    if (t.example.query) walk(t.example.query);
  }
  return { keys: [...keys], values: [...values.values()] };
}

type Edit = { weight: number; arbitrary: fc.Arbitrary<Json | undefined> };

/**
 * What one node may become, biased to its kind: a number mostly another number a schema takes,
 * a date other dates, text spoiled text or valid text from elsewhere, a list a shorter or longer
 * one, an object one with an extra key; anything hostile now and then; `undefined` drops it.
 */
function editsOf(v: Json, words: Vocabulary, dropable: boolean): Edit[] {
  const word = fc.constantFrom(...words.values);
  const edits: Edit[] = [{ weight: 1, arbitrary: hostileValue }];
  if (dropable) edits.push({ weight: 1, arbitrary: fc.constant(undefined) });
  if (typeof v === "number") {
    edits.push(
      { weight: 3, arbitrary: plausibleNumber(v) },
      { weight: 2, arbitrary: hostileNumber },
      { weight: 1, arbitrary: word },
    );
  } else if (typeof v === "string") {
    const like = isDate(v) ? hostileDate : isUrl(v) ? hostileUrl : hostileTextLike(v);
    edits.push({ weight: 2, arbitrary: like }, { weight: 2, arbitrary: word });
  } else if (Array.isArray(v)) {
    edits.push(
      { weight: 1, arbitrary: fc.constant([]) },
      { weight: 2, arbitrary: fc.constant([...v, v[0] ?? null]) },
      {
        weight: 1,
        arbitrary: fc.integer({ min: 2, max: 1100 }).map((n) => Array<Json>(n).fill(v[0] ?? null)),
      },
    );
  } else if (v !== null && typeof v === "object") {
    const key = fc.oneof(fc.constantFrom(...words.keys), hostileKey);
    edits.push({
      weight: 3,
      arbitrary: fc.tuple(key, fc.oneof(word, hostileValue)).map(([k, x]) =>
        Object.fromEntries([...Object.entries(v), [k, x]])
      ),
    });
  }
  edits.push({ weight: 1, arbitrary: fc.constant([v]) });
  return edits;
}

/** `valid` with one node (a leaf more often than not) changed as `editsOf` says. */
function mutatedJson(valid: Json, words: Vocabulary): fc.Arbitrary<Json | undefined> {
  const paths = pathsOf(valid);
  const isLeaf = (p: Path) => {
    const v = getAt(valid, p);
    return v === null || typeof v !== "object";
  };
  const pick = (ps: Path[]) => ps.length ? [fc.constantFrom(...ps)] : [];
  const leaves = pick(paths.filter(isLeaf));
  const inner = pick(paths.filter((p) => !isLeaf(p)));
  const path = fc.oneof(
    ...leaves.map((arbitrary) => ({ weight: 3, arbitrary })),
    ...inner.map((arbitrary) => ({ weight: 1, arbitrary })),
  );
  return path.chain((p) =>
    fc.oneof(...editsOf(getAt(valid, p), words, p.length > 0)).map((next) => setAt(valid, p, next))
  );
}

const rawBodies: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "{",
    '{"a":',
    "}",
    "null",
    "[]",
    '"text"',
    "0",
    "NaN",
    "1e999",
    "123456789012345678901234567890",
    "\uFEFF{}",
    "{'a':1}",
    '{"a":1,}',
    "<xml/>",
  ),
  fc.integer({ min: 1000, max: 30_000 }).map((n) => "[".repeat(n) + "]".repeat(n)),
  fc.integer({ min: 64 * 1024 + 1, max: 70_000 }).map((n) => "x".repeat(n)),
  fc.string({ unit: "binary", maxLength: 100 }),
);

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

// --- headers -----------------------------------------------------------------------------------

/** Header text: Latin-1 (a header is bytes), neither NUL nor CR nor LF. */
const headerText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)),
  maxLength: 100,
});

const contentTypes = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json; charset=latin1",
  "application/json;charset=utf-16",
  "APPLICATION/JSON",
  "application/problem+json",
  "application/jsonx",
  "json",
  "application/json, text/plain",
  "*/*",
];

/** The two keys the suite calls with. */
export interface Keys {
  admin: string;
  client: string;
}

function authorization(keys: Keys): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 14, arbitrary: fc.constant(`Bearer ${keys.admin}`) },
    { weight: 4, arbitrary: fc.constant(`Bearer ${keys.client}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.constantFrom(
          "Bearer",
          `Bearer ${keys.admin} ${keys.client}`,
          `Basic ${btoa("admin:admin")}`,
          `bearer ${keys.client}`,
          `Bearer ${keys.admin.toUpperCase()}`,
          `Bearer ${"k".repeat(10_000)}`,
          `Token ${keys.admin}`,
          `Bearer ${keys.admin}\u00a0`,
          "Bearer bk_unknown",
        ),
        headerText.map((t) => `Bearer ${t}`),
        headerText,
      ),
    },
  );
}

const idempotencyKey: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("hostile-1", "hostile-2") },
  { weight: 6, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constantFrom("", "k".repeat(255), "k".repeat(256), "a b", "é"),
      headerText,
    ),
  },
);

/** Headers besides the usual, now and then, some of them huge. */
const extraHeaders: fc.Arbitrary<[string, string][]> = fc.array(
  fc.tuple(
    fc.constantFrom(
      "if-match",
      "if-none-match",
      "x-request-id",
      "x-correlation-id",
      "traceparent",
      "accept",
      "origin",
      "content-length",
      "x-forwarded-for",
      "cookie",
      "x-huge",
    ),
    fc.oneof(
      headerText,
      fc.constantFrom("*", 'W/"x"', '"', "-1", "99999999999999999999", "0"),
      fc.integer({ min: 8_000, max: 100_000 }).map((n) => "h".repeat(n)),
    ),
  ),
  { maxLength: 3 },
);

function headersFor(keys: Keys, withBody: boolean): fc.Arbitrary<Record<string, string>> {
  const contentType = withBody
    ? fc.oneof(
      { weight: 19, arbitrary: fc.constant("application/json") },
      { weight: 1, arbitrary: fc.oneof(fc.constantFrom(...contentTypes), headerText) },
    )
    : fc.oneof(
      { weight: 9, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constant("application/json") },
    );
  return fc.record({
    authorization: authorization(keys),
    "content-type": contentType,
    "idempotency-key": idempotencyKey,
    extra: fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, {
      weight: 1,
      arbitrary: extraHeaders,
    }),
  }).map(({ extra, ...usual }) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of [...Object.entries(usual), ...extra]) if (v !== undefined) headers[k] = v;
    return headers;
  });
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
  const words = vocabularyOf(targets, ids);
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
