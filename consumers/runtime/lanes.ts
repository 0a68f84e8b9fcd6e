/**
 * Keyed concurrency: one lane per property. A lane runs one item at a time, in stream-sequence
 * order; different lanes run in parallel up to `concurrency`. `mayStart` can hold a lane's head
 * back (the hand-over barrier), `pump()` re-checks after the barrier changed.
 */
export interface LanesOptions<T> {
  concurrency: number;
  run: (item: T) => Promise<void>;
  mayStart?: (key: string, seq: number) => boolean;
}

interface Queued<T> {
  seq: number;
  item: T;
}

interface Lane<T> {
  queue: Queued<T>[];
  running: boolean;
}

/** Per-key ordered work queues sharing one concurrency limit. */
export class Lanes<T> {
  #lanes = new Map<string, Lane<T>>();
  #running = 0;
  #queued = 0;
  #changed = Promise.withResolvers<void>();
  constructor(readonly opts: LanesOptions<T>) {}

  /** Items queued or running. */
  get size(): number {
    return this.#queued + this.#running;
  }

  /** Adds an item to its key's lane, in sequence order, and starts what may start. */
  push(key: string, seq: number, item: T): void {
    let lane = this.#lanes.get(key);
    if (!lane) this.#lanes.set(key, lane = { queue: [], running: false });
    let i = lane.queue.length;
    while (i > 0 && lane.queue[i - 1].seq > seq) i--;
    lane.queue.splice(i, 0, { seq, item });
    this.#queued++;
    this.pump();
  }

  /** Starts the head of every idle lane that may start, while slots are free. */
  pump(): void {
    for (const [key, lane] of this.#lanes) {
      if (this.#running >= this.opts.concurrency) return;
      if (lane.running || lane.queue.length === 0) continue;
      const head = lane.queue[0];
      if (this.opts.mayStart && !this.opts.mayStart(key, head.seq)) continue;
      lane.queue.shift();
      this.#queued--;
      lane.running = true;
      this.#running++;
      this.opts.run(head.item).catch(() => {}).finally(() => {
        lane.running = false;
        this.#running--;
        if (lane.queue.length === 0) this.#lanes.delete(key);
        this.#signal();
        this.pump();
      });
    }
  }

  /** Every queued item (not the running ones), oldest first per lane. */
  items(): T[] {
    return [...this.#lanes.values()].flatMap((l) => l.queue.map((q) => q.item));
  }

  /** Removes and returns every item not yet started. */
  drain(): T[] {
    const out = this.items();
    for (const [key, lane] of this.#lanes) {
      lane.queue = [];
      if (!lane.running) this.#lanes.delete(key);
    }
    this.#queued = 0;
    this.#signal();
    return out;
  }

  /** Resolves once nothing is running (queued items held back by `mayStart` do not count). */
  async idle(): Promise<void> {
    while (this.#running > 0) await this.#changed.promise;
  }

  #signal(): void {
    this.#changed.resolve();
    this.#changed = Promise.withResolvers<void>();
  }
}
