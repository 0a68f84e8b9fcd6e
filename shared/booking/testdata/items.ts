/** Fixtures of the booking engine's pure tests: lines, and ids drawn in a known order. */
import type { Item } from "../domain.ts";

/** One room for the nights of [from, to). */
export const room = (from: string, to: string): Item => ({
  resourceId: "room",
  kind: "room",
  from,
  to,
  quantity: 1,
});

/** Named seats of the show on 1 June 2030. */
export const seats = (...s: string[]): Item => ({
  resourceId: "show",
  kind: "seat",
  from: "2030-06-01",
  to: "2030-06-02",
  quantity: s.length,
  seats: s,
});

/** An id source: UUIDv7-shaped ids, numbered 1, 2, 3... */
export function idSource(): () => string {
  let n = 0;
  return () => `0190a0a0-0000-7000-8000-${String(++n).padStart(12, "0")}`;
}
