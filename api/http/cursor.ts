/**
 * Cursor pagination for every list: a page is the `limit` items after a position in one stable
 * order (a timestamp to the microsecond, then an id), and its answer names the next page by an
 * opaque cursor (`nextCursor`), as a link in the body (`next`) and in a `Link` header. Keyset,
 * not offset: a row written while a client pages never shifts the pages, so none is repeated
 * or missed.
 */
import type { Context } from "hono";
import { z } from "zod";
import { ValidationFailed } from "../../shared/errors/mod.ts";
import type { Position } from "../../shared/db/mod.ts";

/** `limit` of a list: 1 to `max` items a page, `fallback` when absent. */
export const limitParam = (fallback = 50, max = 200) =>
  z.coerce.number().int().min(1).max(max).default(fallback);

/** `cursor` of a list, as the query carries it; `positionOf` decodes it. */
export const cursorParam = z.string().min(1).max(600);

const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * A real instant in cursor_at's form, from 1970 on (month 13, 30 February or year 0, which
 * Postgres refuses, are not).
 */
function isInstant(text: string): boolean {
  if (!at.test(text)) return false;
  const ms = Date.parse(text.slice(0, 23) + "Z");
  return ms >= 0 && new Date(ms).toISOString().slice(0, 23) === text.slice(0, 23);
}

/** The cursor of the page after `p`. */
export function encodeCursor(p: Position): string {
  return btoa(JSON.stringify([p.at, p.id]))
    .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * The position a cursor names; null without one. Its id must be printable ASCII (every id of
 * berth is) and pass `id` (the list's id format), so no cursor reaches SQL that Postgres would
 * refuse (a NUL, a malformed uuid). A malformed or altered cursor is 400
 * `validation_failed` naming `cursor`.
 */
export function positionOf(cursor: string | undefined, id: z.ZodType<string>): Position | null {
  if (cursor === undefined) return null;
  const bad = () =>
    new ValidationFailed("the cursor is not valid", [
      { path: "query.cursor", message: "not a cursor of this list: pass nextCursor as it came" },
    ]);
  let parts: unknown;
  try {
    parts = JSON.parse(atob(cursor.replaceAll("-", "+").replaceAll("_", "/")));
  } catch {
    throw bad();
  }
  if (
    !Array.isArray(parts) || parts.length !== 2 || typeof parts[0] !== "string" ||
    !isInstant(parts[0]) || typeof parts[1] !== "string" ||
    !/^[\x21-\x7e]{1,128}$/.test(parts[1]) ||
    !id.safeParse(parts[1]).success
  ) {
    throw bad();
  }
  return { at: parts[0], id: parts[1] };
}

/** A page of a list as the body carries it. */
export interface Page<T> {
  items: T[];
  /** The next page's path and query, or null on the last page. */
  next: string | null;
  nextCursor: string | null;
}

/**
 * The page of `rows`, fetched with `limit + 1` so that one more row says a next page exists:
 * at most `limit` items as `json` makes them, the next page's cursor and link (the request's own
 * path and query with `cursor` replaced), and the same link in a `Link: <…>; rel="next"` header.
 */
export function pageOf<R, T>(
  c: Context,
  rows: R[],
  limit: number,
  positionOfRow: (row: R) => Position,
  json: (row: R) => T,
): Page<T> {
  const shown = rows.slice(0, limit);
  if (rows.length <= limit) return { items: shown.map(json), next: null, nextCursor: null };
  const nextCursor = encodeCursor(positionOfRow(shown[shown.length - 1]));
  const url = new URL(c.req.url);
  url.searchParams.set("cursor", nextCursor);
  const next = url.pathname + url.search;
  c.header("Link", `<${next}>; rel="next"`);
  return { items: shown.map(json), next, nextCursor };
}

/** The query of a list that takes nothing but its page: `limit` and `cursor`. */
export const pageQuery = z.object({ limit: limitParam(), cursor: cursorParam.optional() }).strict();

/** The schema of a page of `item`s, as `pageOf` answers it. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    next: z.string().nullable().meta({
      description: 'the next page\'s path and query (also in `Link: <…>; rel="next"`); null ' +
        "on the last page",
    }),
    nextCursor: z.string().nullable().meta({ description: "pass as `cursor` for the next page" }),
  });
}
