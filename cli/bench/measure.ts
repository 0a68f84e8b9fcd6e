/**
 * One k6 run with everything the report reads around it: RSS while it runs, the event backlog
 * until it drains, pending -> confirmed of every booking it made, and (optionally) events and
 * Postgres commits per booking.
 */
import type { Bench } from "./context.ts";
import type { K6Run } from "./k6.ts";
import { runK6 } from "./k6.ts";
import type { LagAfterLoad } from "./lag.ts";
import { LagWatch, sleep } from "./lag.ts";
import type { RssPeak } from "./rss.ts";
import { RssSampler } from "./rss.ts";
import type { ScenarioResult, ScenarioSpec } from "./scenarios.ts";
import type { Confirmations } from "./confirm.ts";
import { confirmations } from "./confirm.ts";

/** Outbox rows and commits over the bookings a run made. */
export interface PerBooking {
  bookings: number;
  /** Outbox rows written from the run's start until its backlog drained. */
  events: number;
  /** pg_stat_database.xact_commit of the run database, minus the bench's own queries. */
  commits: number;
}

/** A k6 run and what was measured around it. */
export interface ScenarioRun extends ScenarioResult {
  /** The booking rate asked for (bookings/s), when the run had one. */
  rate: number | null;
  rss: RssPeak[];
  confirm: Confirmations;
  lag: LagAfterLoad;
  perBooking: PerBooking | null;
  /** Messages that went to the dead-letter stream during the run. */
  deadLettered: number;
  /** Bounds of the run (epoch ms): k6 started, the backlog watch ended. */
  startedAt: number;
  endedAt: number;
}

/** How to run and measure one k6 run. */
export interface MeasureOptions extends K6Run {
  rate?: number;
  /** Read events and commits per booking (waits for Postgres to flush its statistics). */
  perBooking?: boolean;
  /** Called once the first booking of the run is in; `done` aborts when k6 has exited. */
  during?: (loadStart: number, done: AbortSignal) => Promise<void>;
  /** Progress, in seconds since k6 started. */
  onTick?: (elapsedS: number) => void;
}

/** Runs one scenario and measures around it; null when k6 left no summary. */
export async function measure(
  b: Bench,
  spec: ScenarioSpec,
  o: MeasureOptions,
): Promise<ScenarioRun | null> {
  const { db } = b;
  const before = o.perBooking
    ? { events: await db.eventsWritten(), stats: await db.stats(), own: db.ownTransactions }
    : null;
  const dlqBefore = await db.deadLetters();
  const startedAt = Date.now();
  const watch = new LagWatch(db).start();
  const sampler = new RssSampler(b.platform.children).start();
  const done = new AbortController();
  const hook = o.during ? duringLoad(b, startedAt, done.signal, o.during) : Promise.resolve();
  let result: ScenarioResult | null;
  try {
    result = await runK6(b.k6, spec, b.platform, o, o.onTick ?? (() => {}));
  } finally {
    done.abort();
    await hook.catch((err) => b.notes.push(`${o.runName ?? spec.name}: ${err}`));
  }
  const loadEnd = Number.isFinite(result?.loadEndedAt) ? result!.loadEndedAt : Date.now();
  const lag = await watch.drain(loadEnd, b.knobs.lagWatchSeconds * 1000);
  const rss = await sampler.stop();
  const endedAt = Date.now();
  if (!result) return null;
  const deadLettered = (await db.deadLetters()) - dlqBefore;
  const confirm = confirmations(await db.confirmations(new Date(startedAt), new Date(endedAt)));
  let perBooking: PerBooking | null = null;
  if (before) {
    const events = await db.eventsWritten();
    const own = db.ownTransactions;
    // Backends report their counts when idle, at the latest 10 s after their last transaction.
    await sleep(b.knobs.statsWaitMs);
    const stats = await db.stats();
    perBooking = {
      bookings: confirm.bookings,
      events: events - before.events,
      commits: stats.xactCommit - before.stats.xactCommit - (own - before.own),
    };
  }
  return {
    ...result,
    rate: o.rate ?? null,
    rss,
    confirm,
    lag,
    perBooking,
    deadLettered,
    startedAt,
    endedAt,
  };
}

/** Waits for the run's first booking, then hands over to `fn`. */
async function duringLoad(
  b: Bench,
  since: number,
  done: AbortSignal,
  fn: (loadStart: number, done: AbortSignal) => Promise<void>,
): Promise<void> {
  while (!done.aborted) {
    if (await b.db.bookedSince(new Date(since)).catch(() => false)) {
      return await fn(Date.now(), done);
    }
    await sleep(200);
  }
}
