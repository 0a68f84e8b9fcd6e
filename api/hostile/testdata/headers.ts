/**
 * The headers of hostile requests (`arbitraries.ts`): mostly those of a good client, sometimes
 * a wrong key, a wrong Content-Type, an odd Idempotency-Key or a huge extra header.
 * @module
 */
import fc from "fast-check";

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

/** A request's headers: mostly those of a good client with one of `keys`, sometimes not. */
export function headersFor(keys: Keys, withBody: boolean): fc.Arbitrary<Record<string, string>> {
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
