/**
 * Group commit on the booking path: the commands an api process sends while its batches are in
 * flight are gathered and sent together as one `booking_apply` statement, one commit. Each
 * command keeps its own outcome; a caller's promise settles only after its batch committed.
 */
import type { Sql } from "../db/mod.ts";
import { log } from "../log/mod.ts";
import type { Command, Outcome } from "./write.ts";
import { applyCommands } from "./write.ts";

interface Waiting {
  command: Command;
  now: Date;
  done: PromiseWithResolvers<Outcome>;
}

/** Options of a {@link GroupCommit}. */
export interface GroupCommitOptions {
  /** Most commands in one statement (default 200). */
  maxBatch?: number;
  /** Batches in flight at once (default 2): the next one gathers while these commit. */
  inFlight?: number;
}

/** What one statement carried: for metrics and tests. */
export type BatchListener = (size: number, ms: number) => void;

/** Gathers commands into batches for one pool. */
export class GroupCommit {
  #queue: Waiting[] = [];
  #running = 0;
  readonly #maxBatch: number;
  readonly #inFlight: number;
  /** Called after each statement with its command count and duration. */
  onBatch: BatchListener | null = null;

  constructor(readonly sql: Sql, opts: GroupCommitOptions = {}) {
    this.#maxBatch = opts.maxBatch ?? 200;
    this.#inFlight = opts.inFlight ?? 2;
  }

  /** Applies one command with whatever else arrives meanwhile; resolves after the commit. */
  apply(command: Command, now: Date): Promise<Outcome> {
    const done = Promise.withResolvers<Outcome>();
    this.#queue.push({ command, now, done });
    if (this.#running < this.#inFlight) this.#run();
    return done.promise;
  }

  async #run(): Promise<void> {
    this.#running++;
    try {
      while (this.#queue.length) {
        const batch = this.#queue.splice(0, this.#maxBatch);
        await this.#send(batch);
      }
    } finally {
      this.#running--;
    }
  }

  async #send(batch: Waiting[]): Promise<void> {
    const now = new Date(Math.max(...batch.map((w) => w.now.getTime())));
    const t0 = performance.now();
    try {
      const outcomes = await applyCommands(this.sql, {
        now,
        commands: batch.map((w) => w.command),
      });
      this.onBatch?.(batch.length, performance.now() - t0);
      batch.forEach((w, i) => w.done.resolve(outcomes[i]));
    } catch (err) {
      if (batch.length === 1) return batch[0].done.reject(err);
      // One command broke the statement (or the connection went): each on its own, so only
      // the one at fault fails.
      log.warn("group commit failed; applying its commands one by one", { err, n: batch.length });
      for (const w of batch) await this.#send([w]);
    }
  }
}

const groups = new WeakMap<Sql, GroupCommit>();

/** The group commit of a pool (one per api process and pool). */
export function groupCommitOf(sql: Sql): GroupCommit {
  let g = groups.get(sql);
  if (!g) groups.set(sql, g = new GroupCommit(sql));
  return g;
}
