/**
 * The pause scenario: steady bookings while one workers process is stopped (SIGSTOP) and later
 * continued (SIGCONT). Bookings must not notice; confirmations must resume.
 */
import type { Bench } from "./context.ts";
import type { ScenarioRun } from "./measure.ts";
import { measure } from "./measure.ts";
import { sleep } from "./lag.ts";
import type { ScenarioSpec } from "./scenarios.ts";

/** What the pause did and how the confirmations came back. */
export interface PauseResult {
  run: ScenarioRun;
  /** The stopped process, and how many workers processes there were. */
  pid: number;
  workers: number;
  /** Epoch ms of SIGSTOP and SIGCONT (NaN when the load ended first). */
  stoppedAt: number;
  continuedAt: number;
  /**
   * From SIGCONT to the last confirmation of a booking placed before it (<= 0: all of them were
   * confirmed while the process was stopped); null when one of them never was.
   */
  clearedMs: number | null;
  /** Bookings placed before SIGCONT and never confirmed. */
  neverConfirmed: number;
}

/** Runs the pause scenario at `rate` bookings/s; null when it could not run. */
export async function pauseScenario(
  b: Bench,
  spec: ScenarioSpec,
  rate: number,
  onTick: (s: number) => void,
): Promise<PauseResult | null> {
  const workers = b.platform.children.filter((c) => c.name === "workers");
  if (!workers.length) {
    b.notes.push("pause: no workers process to stop");
    return null;
  }
  const pid = workers[0].pid;
  const k = b.knobs;
  let stoppedAt = NaN;
  let continuedAt = NaN;
  const during = async (loadStart: number, done: AbortSignal) => {
    await until(loadStart + k.pauseAt * 1000, done);
    if (done.aborted) return;
    Deno.kill(pid, "SIGSTOP");
    b.paused.add(pid);
    stoppedAt = Date.now();
    b.say(`bench: pause: stopped workers pid ${pid} for ${k.pauseFor} s`);
    try {
      await until(stoppedAt + k.pauseFor * 1000, done);
    } finally {
      Deno.kill(pid, "SIGCONT");
      b.paused.delete(pid);
      continuedAt = Date.now();
      b.say(`bench: pause: continued workers pid ${pid}`);
    }
  };
  const run = await measure(b, spec, {
    rate,
    env: { RATE: rate, DURATION: k.pauseSeconds, BOOKING_P99_MS: 100 },
    perBooking: true,
    during,
    onTick,
  });
  if (!run) return null;
  let clearedMs: number | null = null;
  let neverConfirmed = 0;
  if (Number.isFinite(continuedAt)) {
    const c = await b.db.confirmedBy(new Date(run.startedAt), new Date(continuedAt));
    neverConfirmed = c.never;
    clearedMs = c.never === 0 && c.last ? c.last.getTime() - continuedAt : null;
  }
  return { run, pid, workers: workers.length, stoppedAt, continuedAt, clearedMs, neverConfirmed };
}

/** Sleeps until `at` (epoch ms) or until `signal` aborts. */
async function until(at: number, signal: AbortSignal): Promise<void> {
  while (!signal.aborted && Date.now() < at) await sleep(Math.min(200, at - Date.now()));
}
