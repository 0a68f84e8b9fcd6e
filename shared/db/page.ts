/**
 * Keyset pagination's types, for every list query: a page is the rows after a position in one
 * stable order (a timestamp, then an id), so rows written meanwhile never shift the pages.
 */

/**
 * Where a page ends: the sort key of its last row, `at` as SQL's `cursor_at` writes it (to the
 * microsecond). Queries compare with `${at}::text::timestamptz`: a parameter postgres.js takes
 * for a timestamp goes through a JS Date and loses its microseconds.
 */
export interface Position {
  at: string;
  id: string;
}

/** A page of a list: the rows after `after` (null: from the first), at most `limit`. */
export interface PageOpts {
  after: Position | null;
  limit: number;
}
