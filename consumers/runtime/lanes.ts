/**
 * Keyed concurrency: one lane per property. A lane runs one item at a time, in stream-sequence
 * order; different lanes run in parallel up to `concurrency`. `mayStart` can hold a lane's head
 * back (the hand-over barrier), `pump()` re-checks after the barrier changed.
 */
export interface LanesOptions<T> {
  concurrency: number;
  run: (item: T) => Promise<void>;
  mayStart?: (key: string, seq: number) => boolean;
  /**
   * With `batch` > 1, a lane whose head has followers that may start too hands up to `batch`
   * items at once to `runBatch` (in sequence order); a lone item still goes to `run`.
   */
  batch?: number;
  runBatch?: (items: T[]) => Promise<void>;
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
      const may = (seq: number) => !this.opts.mayStart || this.opts.mayStart(key, seq);
      if (!may(head.seq)) continue;
      const max = this.opts.runBatch ? (this.opts.batch ?? 1) : 1;
      let n = 1;
      while (n < max && n < lane.queue.length && may(lane.queue[n].seq)) n++;
      const taken = lane.queue.splice(0, n).map((q) => q.item);
      this.#queued -= n;
      lane.running = true;
      this.#running++;
      const work = n === 1 ? this.opts.run(taken[0]) : this.opts.runBatch!(taken);
      work.catch(() => {}).finally(() => {
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
