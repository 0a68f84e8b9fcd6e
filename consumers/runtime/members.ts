import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { hash32 } from "../../shared/booking/mod.ts";
import { log } from "../../shared/log/mod.ts";
import { sleep } from "../../shared/time/mod.ts";

/** The core NATS subject members of a group announce themselves on: `berth.members.<group>`. */
export const MEMBERS_SUBJECT = "berth.members";

/** Options of {@link Members}. */
export interface MembersOptions {
  /** This process's id (unique per process start). */
  id: string;
  /** Who shares the partitions: `workers` for the workers processes (default). */
  group?: string;
  /** How often this process says it is alive (default 1 s). */
  intervalMs?: number;
  /** A process not heard of for this long is taken for dead (default 3 s). */
  deadAfterMs?: number;
}

/**
 * The workers processes alive, and which of them owns what. Each process publishes its id on
 * core NATS (`berth.members.<group>`) every second and listens to the others. A partition's owner is the live process
 * with the highest hash of (process id, partition): rendezvous hashing, so every process works
 * out the same owner from the same members, a process that joins takes about its share, and
 * one that dies hands its partitions to the others (no coordinator, nothing stored). Views can
 * differ for a moment; the consumers' pinned client keeps one receiver per partition anyway.
 */
export class Members {
  readonly id: string;
  readonly subject: string;
  readonly #interval: number;
  readonly #deadAfter: number;
  readonly #seen = new Map<string, number>();
  readonly #listeners = new Set<() => void>();
  #members: string[] = [];

  constructor(opts: MembersOptions) {
    this.id = opts.id;
    this.subject = `${MEMBERS_SUBJECT}.${opts.group ?? "workers"}`;
    this.#interval = opts.intervalMs ?? 1000;
    this.#deadAfter = opts.deadAfterMs ?? 3000;
    this.#members = [this.id];
  }

  /** The live members, sorted. */
  get members(): readonly string[] {
    return this.#members;
  }

  /** True when this process owns `key` among the live members. */
  owns(key: string): boolean {
    return ownerOf(key, this.#members) === this.id;
  }

  /** Calls `fn` whenever the set of live members changes. */
  onChange(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /**
   * Announces this process and follows the others until `signal` aborts. Resolves once the
   * first round of announcements has been heard (so a starting process does not claim every
   * partition for a moment), then keeps going in the background.
   */
  async join(nc: NatsConnection, signal: AbortSignal): Promise<void> {
    const sub: Subscription = nc.subscribe(this.subject, {
      callback: (err, msg) => {
        if (err) return;
        const id = msg.string();
        if (id) this.#seen.set(id, Date.now());
      },
    });
    let last = Date.now();
    const beat = () => {
      const now = Date.now();
      // This process was stopped itself (SIGSTOP, a long pause): it heard nobody meanwhile, so
      // it gives the others the benefit of the doubt until they are heard again or time out.
      if (now - last > this.#deadAfter) {
        for (const id of this.#seen.keys()) this.#seen.set(id, now);
      }
      last = now;
      this.#seen.set(this.id, now);
      try {
        nc.publish(this.subject, this.id);
      } catch { /* NATS away: the others will take this one for dead, and it them */ }
      this.#refresh();
    };
    beat();
    const timer = setInterval(beat, this.#interval);
    signal.addEventListener("abort", () => {
      clearInterval(timer);
      sub.unsubscribe();
    }, { once: true });
    await sleep(this.#interval * 1.5);
    this.#refresh();
  }

  #refresh(): void {
    const now = Date.now();
    for (const [id, at] of this.#seen) {
      if (id !== this.id && now - at > this.#deadAfter) this.#seen.delete(id);
    }
    const next = [...this.#seen.keys()].sort();
    if (next.join() === this.#members.join()) return;
    log.info("workers members changed", { members: next });
    this.#members = next;
    for (const fn of this.#listeners) fn();
  }
}

/** Murmur3's finalizer over FNV-1a: every input bit moves every output bit. */
function weight(s: string): number {
  let h = hash32(s);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The owner of `key` among `members`: the highest weight of (member, key). */
export function ownerOf(key: string, members: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestHash = -Infinity;
  for (const m of members) {
    const h = weight(`${m}\u0000${key}`);
    if (h > bestHash || (h === bestHash && m < best!)) best = m, bestHash = h;
  }
  return best;
}
