import { nightKey, seatKey } from "./nights.ts";

/**
 * A small per-process memory of (resource, date) keys and named seats found sold out, so the
 * next attempt on them is answered `sold_out` without reading inventory. Each entry lives at
 * most `boundMs`: a stale "sold out" lasts no longer than that (units given back meanwhile are
 * offered again after it), and a stale "available" is harmless, since it goes to the locked
 * write path, which checks again. A release made by this process forgets its keys at once.
 */
export class SoldOutCache {
  #until = new Map<string, number>();

  constructor(readonly boundMs = 500, readonly maxKeys = 10_000) {}

  static key(resourceId: string, date: string, seat?: string): string {
    return seat === undefined ? nightKey(resourceId, date) : seatKey(resourceId, date, seat);
  }

  /** Remembers `key` as sold out as of `now`. */
  mark(key: string, now: number): void {
    this.#until.delete(key);
    if (this.#until.size >= this.maxKeys) this.#until.delete(this.#until.keys().next().value!);
    this.#until.set(key, now + this.boundMs);
  }

  /** True when `key` was found sold out less than `boundMs` before `now`. */
  has(key: string, now: number): boolean {
    const until = this.#until.get(key);
    if (until === undefined) return false;
    if (until > now) return true;
    this.#until.delete(key);
    return false;
  }

  /** Forgets keys (units or seats were given back). */
  forget(keys: string[]): void {
    for (const k of keys) this.#until.delete(k);
  }
}
