/**
 * One mutation of a valid JSON body, for the hostile-input suite: one node (a leaf more often
 * than not) replaced by a hostile value or by a valid value of another route, dropped, wrapped in
 * a list, grown, or given an extra key, so that the request stays nearly valid.
 * @module
 */
import fc from "fast-check";
import type { Json } from "./values.ts";
import {
  hostileDate,
  hostileKey,
  hostileNumber,
  hostileTextLike,
  hostileUrl,
  hostileValue,
  isDate,
  isUrl,
  plausibleNumber,
} from "./values.ts";

type Path = (string | number)[];

/** Every node of `v` (the root too) as a path. */
export function pathsOf(v: Json, at: Path = []): Path[] {
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
export interface Vocabulary {
  keys: string[];
  values: Json[];
}

export function vocabularyOf(
  examples: { body?: unknown; query?: Record<string, string> }[],
  ids: string[],
): Vocabulary {
  const keys = new Set<string>();
  const values = new Map<string, Json>(ids.map((id) => [JSON.stringify(id), id]));
  const walk = (v: Json) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v !== null && typeof v === "object") {
      return Object.entries(v).forEach(([k, x]) => (keys.add(k), walk(x)));
    }
    values.set(JSON.stringify(v), v);
  };
  for (const e of examples) {
    if (e.body !== undefined) walk(e.body as Json);
    if (e.query) walk(e.query);
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
export function mutatedJson(valid: Json, words: Vocabulary): fc.Arbitrary<Json | undefined> {
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
