/**
 * Optimistic concurrency over HTTP (RFC 9110): a reservation's strong `ETag` is its version, and
 * a change that sends `If-Match` is made only to a version it names (412 `precondition_failed`
 * otherwise). Without `If-Match` a change is made to whatever version stands.
 */
import type { Context } from "hono";

/** The strong ETag of a version: `"3"`. */
export const etagOf = (version: number): string => `"${version}"`;

/** Sets the `ETag` of a reservation answer, when it carries a version. */
export function withEtag(c: Context, body: unknown): void {
  const version = (body as { version?: unknown } | null)?.version;
  if (typeof version === "number") c.header("ETag", etagOf(version));
}

/**
 * The versions the request's `If-Match` accepts: undefined without one or with `*` (any version
 * of a thing that exists). Matching is strong: a weak tag (`W/"3"`), or one that is no version
 * of ours (`"bogus"`), names none, so a header of only those matches nothing.
 */
export function ifMatchOf(c: Context): number[] | undefined {
  const header = c.req.header("if-match")?.trim();
  if (header === undefined || header === "*") return undefined;
  const versions: number[] = [];
  for (const m of header.matchAll(/(W\/)?"([^"]*)"/g)) {
    if (!m[1] && /^\d{1,9}$/.test(m[2])) versions.push(Number(m[2]));
  }
  return versions;
}
