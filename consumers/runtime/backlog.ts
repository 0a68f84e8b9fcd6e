/** A message waiting to be applied: its stream sequence and its ordering key (the property). */
export interface Queued {
  seq: number;
  key: string;
}

/**
 * What a consumer has received and not yet applied, in stream order. A batch is taken from the
 * front across keys; a key can be blocked (an event of it is being retried), and then every
 * later item of that key waits while the other keys go on.
 */
export class Backlog<T extends Queued> {
  #items: T[] = [];
  #blocked = new Map<string, number>();
  #changed = Promise.withResolvers<void>();

  /** Items waiting. */
  get size(): number {
    return this.#items.length;
  }

  /** Adds items in stream order (a redelivery of an older one goes to its place). */
  push(...items: T[]): void {
    for (const item of items) {
      let i = this.#items.length;
      while (i > 0 && this.#items[i - 1].seq > item.seq) i--;
      this.#items.splice(i, 0, item);
    }
    if (items.length) this.wake();
  }

  /** Holds back every item of `key` until as many {@link unblock}s as blocks. */
  block(key: string): void {
    this.#blocked.set(key, (this.#blocked.get(key) ?? 0) + 1);
  }

  unblock(key: string): void {
    const n = (this.#blocked.get(key) ?? 0) - 1;
    if (n > 0) this.#blocked.set(key, n);
    else this.#blocked.delete(key);
    this.wake();
  }

  isBlocked(key: string): boolean {
    return this.#blocked.has(key);
  }

  /**
   * Removes and returns up to `max` items in stream order whose key is not blocked and that
   * `may` lets go; once an item of a key stays, every later item of that key stays too.
   */
  take(max: number, may: (item: T) => boolean = () => true): T[] {
    const out: T[] = [];
    const keep: T[] = [];
    const held = new Set<string>();
    for (const item of this.#items) {
      const go = out.length < max && !held.has(item.key) && !this.#blocked.has(item.key) &&
        may(item);
      if (go) out.push(item);
      else keep.push(item), held.add(item.key);
    }
    this.#items = keep;
    return out;
  }

  /** Removes and returns the waiting items `which` picks. */
  remove(which: (item: T) => boolean): T[] {
    const out = this.#items.filter(which);
    this.#items = this.#items.filter((x) => !which(x));
    this.wake();
    return out;
  }

  /** Removes and returns every waiting item. */
  drain(): T[] {
    const out = this.#items;
    this.#items = [];
    this.wake();
    return out;
  }

  /** Resolves at the next push, unblock or {@link wake}; take it before looking. */
  changed(): Promise<void> {
    return this.#changed.promise;
  }

  /** Wakes whoever waits on {@link changed} (something outside changed what may go). */
  wake(): void {
    this.#changed.resolve();
    this.#changed = Promise.withResolvers<void>();
  }
}
