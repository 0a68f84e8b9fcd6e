/**
 * Event lag: as /metrics reports it (like loadtests/lib/lag.js), and straight from the source
 * (the outbox and the JetStream consumers, see BenchDb.backlog), sampled while a scenario runs.
 */
import type { BenchDb } from "./db.ts";

/** Metric names that count as lag: consumer pending counts and the unpublished outbox. */
export const LAG_METRICS =
  /^berth_(consumer_(lag|pending|num_pending|ack_pending)|outbox_(backlog|unpublished|pending))/;

/** Sums the lag series of a Prometheus text exposition; `found` is false when there are none. */
export function parseLag(text: string): { lag: number; found: boolean } {
  let lag = 0;
  let found = false;
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    if (!LAG_METRICS.test(line.split(/[{ ]/, 1)[0])) continue;
    found = true;
    lag += Number(line.slice(line.lastIndexOf(" ") + 1)) || 0;
  }
  return { lag, found };
}

/** One reading of the backlog: when (epoch ms) and how many events were not through. */
export interface LagSample {
  at: number;
  n: number;
}

/** What the backlog did around the end of a load. */
export interface LagAfterLoad {
  /** The last reading at or before the load ended. */
  atLoadEnd: number;
  /** The largest reading. */
  peak: number;
  /** From the load's end to the first reading of 0 after it; null when none was seen. */
  drainMs: number | null;
}

/** Reads the lag figures out of the samples of one run (sorted by time). */
export function lagAfterLoad(samples: LagSample[], loadEnd: number): LagAfterLoad {
  let atLoadEnd = 0;
  let peak = 0;
  let drainMs: number | null = null;
  for (const s of samples) {
    peak = Math.max(peak, s.n);
    if (s.at <= loadEnd) atLoadEnd = s.n;
    else if (s.n === 0 && drainMs === null) drainMs = s.at - loadEnd;
  }
  // A backlog already at 0 when the load ended drained at once.
  if (drainMs === null && atLoadEnd === 0 && samples.some((s) => s.at <= loadEnd)) drainMs = 0;
  return { atLoadEnd, peak, drainMs };
}

/** Samples the backlog every `everyMs` from `start()` until `stop()`. */
export class LagWatch {
  readonly samples: LagSample[] = [];
  #stopped = false;
  #loop: Promise<void> | undefined;

  constructor(readonly db: BenchDb, readonly everyMs = 250) {}

  /** Starts sampling in the background. */
  start(): this {
    this.#loop = (async () => {
      while (!this.#stopped) {
        const t = Date.now();
        try {
          this.samples.push({ at: Date.now(), n: await this.db.backlog() });
        } catch { /* a failed reading is a gap */ }
        await sleep(Math.max(0, this.everyMs - (Date.now() - t)));
      }
    })();
    return this;
  }

  /**
   * Keeps sampling until a reading after `loadEnd` is 0 or `maxMs` after `loadEnd` has passed,
   * then stops; returns the figures.
   */
  async drain(loadEnd: number, maxMs: number): Promise<LagAfterLoad> {
    while (Date.now() < loadEnd + maxMs) {
      if (this.samples.some((s) => s.at > loadEnd && s.n === 0)) break;
      await sleep(this.everyMs);
    }
    this.#stopped = true;
    await this.#loop;
    return lagAfterLoad(this.samples, loadEnd);
  }
}

/**
 * Waits until the event backlog and the queue of e-mails and webhooks are 0 (or `timeoutMs`
 * passes) so one scenario's events and sends do not land in the next one's figures or take its
 * CPU. Returns what was left.
 */
export async function settle(
  db: BenchDb,
  timeoutMs: number,
  say: (m: string) => void,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let told = Date.now();
  for (;;) {
    const n = await Promise.all([db.backlog(), db.pendingDeliveries()])
      .then(([events, sends]) => events + sends, () => -1);
    if (n === 0 || Date.now() > deadline) return n;
    if (Date.now() - told > 10_000) {
      say(`bench: waiting for the relay, consumers and sends to catch up (${n} left)`);
      told = Date.now();
    }
    await sleep(500);
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
