/** What every step of a bench run shares: the tools, the platform, the connections, the knobs. */
import type { Platform } from "../up.ts";
import type { BenchDb } from "./db.ts";
import type { Knobs } from "./knobs.ts";

/** The state of one `./berth bench` run, passed to every step. */
export interface Bench {
  k6: string;
  platform: Platform;
  db: BenchDb;
  knobs: Knobs;
  /** The one-per-transaction ceiling (bookings/s), measured or given; null when not needed. */
  ceiling: number | null;
  /** Processes the bench stopped with SIGSTOP and has not continued yet. */
  paused: Set<number>;
  notes: string[];
  say(m: string): void;
}

/** Continues every process the bench stopped (on the way out, whatever happened). */
export function continueAll(b: Pick<Bench, "paused">): void {
  for (const pid of b.paused) {
    try {
      Deno.kill(pid, "SIGCONT");
    } catch { /* gone */ }
  }
  b.paused.clear();
}
