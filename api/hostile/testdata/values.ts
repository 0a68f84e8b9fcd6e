/**
 * Hostile values for the hostile-input suite: what has broken berth or breaks services like it.
 * NUL, lone surrogates, text at and past the stated lengths, numbers beyond int4 and 2^53, dates
 * outside the window and near the catalogue's, internal URLs, deep nesting, bodies that are not
 * JSON, and values near a valid one that a schema takes.
 * @module
 */
import fc from "fast-check";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

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

export const hostileText: fc.Arbitrary<string> = fc.oneof(
  spoiled(fc.string({ maxLength: 10 })),
  fc.constantFrom(...lengths).map((n) => "x".repeat(n)),
  fc.constantFrom(...oddText),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.string({ unit: codeUnit, maxLength: 10 }),
);

/** Hostile text close to `valid`: spoiled, or stretched to a length at a limit. */
export const hostileTextLike = (valid: string) =>
  fc.oneof(
    { weight: 2, arbitrary: spoiled(fc.constant(valid)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...lengths).map((n) => valid.padEnd(n, valid.at(-1) ?? "x")),
    },
    { weight: 1, arbitrary: hostileText },
  );

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
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

export const hostileDate: fc.Arbitrary<string> = fc.oneof(
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

export const hostileUrl: fc.Arbitrary<string> = fc.oneof(
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

export const hostileStructure: fc.Arbitrary<Json> = fc.oneof(
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
export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  hostileText,
  hostileNumber,
  hostileDate,
  hostileUrl,
  hostileStructure,
);

export const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);
export const isUrl = (v: string) => /^https?:/.test(v);

/**
 * Numbers near `n` that a schema may well take (0, 1, n ± 1, up to twice n): they get past the
 * validator to the rules behind it (a total below what is booked, a quantity past what is left).
 */
export const plausibleNumber = (n: number) =>
  fc.oneof(
    fc.constantFrom(0, 1, n - 1, n + 1),
    fc.integer({ min: 0, max: Math.max(10, Math.min(2 * Math.round(n), 2 ** 31)) }),
  );

export const hostileKey = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "toString", "", "\u0000", "id", "status", "total"),
  hostileText,
);

export const rawBodies: fc.Arbitrary<string> = fc.oneof(
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
