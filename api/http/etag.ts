/**
 * Optimistic concurrency over HTTP (RFC 9110): reads carry a strong `ETag`, and a change that
 * sends `If-Match` is made only to a state it names (412 `precondition_failed` otherwise).
 * Without `If-Match` a change is made to whatever stands. A reservation's tag is its version
 * (`"3"`); a range of inventory's is a digest of what a PUT sets there.
 */
import type { Context } from "hono";
import { createHash } from "node:crypto";
import { PreconditionFailed } from "../../shared/errors/mod.ts";

/** The strong ETag of a version: `"3"`. */
export const etagOf = (version: number): string => `"${version}"`;

/** The strong ETag of a representation: a digest of its JSON. */
export function contentEtag(value: unknown): string {
  return `"${createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 32)}"`;
}

/** Sets the `ETag` of a reservation answer, when it carries a version. */
export function withEtag(c: Context, body: unknown): void {
  const version = (body as { version?: unknown } | null)?.version;
  if (typeof version === "number") c.header("ETag", etagOf(version));
}

/**
 * The strong tags of the request's `If-Match`, quoted as sent: undefined without one or with `*`
 * (any state of a thing that exists). Matching is strong: a weak tag (`W/"3"`) names nothing, so
 * a header of only weak or malformed tags matches nothing.
 */
export function ifMatchTags(c: Context): string[] | undefined {
  const header = c.req.header("if-match")?.trim();
  if (header === undefined || header === "*") return undefined;
  return [...header.matchAll(/(W\/)?("[^"]*")/g)].filter((m) => !m[1]).map((m) => m[2]);
}

/** The reservation versions the request's `If-Match` accepts (undefined: any). */
export function ifMatchOf(c: Context): number[] | undefined {
  return ifMatchTags(c)?.flatMap((t) => /^"\d{1,9}"$/.test(t) ? [Number(t.slice(1, -1))] : []);
}

/** 412 `precondition_failed` when the request's `If-Match` does not name `etag`, the current one. */
export function assertIfMatch(c: Context, etag: string, what: string): void {
  const tags = ifMatchTags(c);
  if (tags && !tags.includes(etag)) {
    throw new PreconditionFailed(
      `${what} changed since you read it (its ETag is ${etag} now); read it again`,
    );
  }
}
