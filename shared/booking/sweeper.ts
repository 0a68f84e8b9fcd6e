import type { Sql } from "../db/mod.ts";
import { DomainError } from "../errors/mod.ts";
import { log } from "../log/mod.ts";
import { sleep } from "../time/mod.ts";
import { uuidv7 } from "../ids/mod.ts";
import { expiredHolds, nextHoldDue } from "./queries.ts";
import { readReservations } from "./read.ts";
import type { Decided } from "./decide.ts";
import { decide } from "./decide.ts";
import { applyCommands } from "./write.ts";
import type { SweeperMetrics } from "../metrics/mod.ts";
import { Registry, sweeperMetrics } from "../metrics/mod.ts";

export interface SweeperOptions {
  sql: Sql;
  signal: AbortSignal;
  /** The shortest wait between two passes (BERTH_SWEEP_INTERVAL_MS, default 1 s). */
  intervalMs: number;
  /** The longest wait when no hold falls due sooner (default IDLE_WAIT_MS). */
  idleWaitMs?: number;
  now?: () => Date;
  onExpired?: (id: string) => void;
  /** Called after each pass with how many holds it expired. */
  onPass?: (expired: number) => void;
  /** Where expiries, passes and failures are counted (default: a registry of its own). */
  metrics?: SweeperMetrics;
}

/**
 * The longest a sweeper waits between passes. A hold lasts at least a minute
 * (BERTH_HOLD_MINUTES >= 1), so a hold placed while the sweeper waits is never due before the
 * sweeper looks again.
 */
export const IDLE_WAIT_MS = 30_000;

/**
 * Expires pending reservations whose hold has passed, releasing their inventory and publishing
 * `reservation.expired` through the outbox, with no request needed. After each pass it reads
 * when the next hold falls due and waits until then (at least `intervalMs`, at most
 * `idleWaitMs`), so a quiet platform is not polled every second. A sweeper rather than
 * JetStream message schedules: the hold's truth is the row in Postgres, a restart loses
 * nothing (it finds every overdue hold on its next pass), and several sweepers are safe (each
 * expiry is checked against the row as it was read). Also deletes idempotency keys past their
 * expiry.
 */
export async function runSweeper(opts: SweeperOptions): Promise<void> {
  const now = opts.now ?? (() => new Date());
  const idleWait = opts.idleWaitMs ?? IDLE_WAIT_MS;
  const metrics = opts.metrics ?? sweeperMetrics(new Registry());
  let lastHousekeeping = 0;
  while (!opts.signal.aborted) {
    let wait = opts.intervalMs;
    try {
      const pass = metrics.passSeconds.startTimer();
      const expired = await sweepOnce(opts.sql, now(), opts.onExpired);
      pass();
      metrics.expired.inc(expired);
      opts.onPass?.(expired);
      if (Date.now() - lastHousekeeping > 60_000) {
        lastHousekeeping = Date.now();
        await opts.sql`delete from idempotency_keys where expires_at < ${now()}`;
      }
      const next = await nextHoldDue(opts.sql);
      const until = next ? next.getTime() - now().getTime() : idleWait;
      wait = Math.max(opts.intervalMs, Math.min(idleWait, until));
    } catch (err) {
      metrics.failures.inc();
      log.warn("sweep failed; retrying", { err });
    }
    await sleep(wait, opts.signal);
  }
}

const PAGE = 200;

/**
 * One pass: expires every overdue hold, a page of 200 in one `booking_apply` statement; a page
 * that fails is applied one hold at a time, so one bad row never keeps the others from expiring.
 * Returns how many it expired.
 */
export async function sweepOnce(sql: Sql, now: Date, onExpired?: (id: string) => void) {
  let expired = 0;
  const skip = new Set<string>();
  for (;;) {
    const ids = (await expiredHolds(sql, now, PAGE + skip.size)).filter((id) => !skip.has(id));
    const decided = [...(await readReservations(sql, ids)).values()].flatMap((s) => {
      try {
        const newId = () => uuidv7(now.getTime());
        return [
          decide({ type: "expire", reason: "hold expired" }, s, {
            now,
            newId,
            correlationId: newId(),
          }),
        ];
      } catch (err) {
        if (err instanceof DomainError) return []; // moved on meanwhile
        throw err;
      }
    });
    let applied = 0;
    const done = (d: Decided) => {
      expired++, applied++;
      onExpired?.(d.state.id);
    };
    try {
      const outcomes = await applyCommands(sql, { now, commands: decided.map((d) => d.command) });
      outcomes.forEach((o, i) => o === "applied" && done(decided[i]));
    } catch (err) {
      log.warn("sweep page failed; expiring its holds one by one", { err });
      for (const d of decided) {
        const [o] = await applyCommands(sql, { now, commands: [d.command] }).catch((e) => {
          log.error("hold not expired", { err: e, reservationId: d.state.id });
          skip.add(d.state.id);
          return ["failed"];
        });
        if (o === "applied") done(d);
      }
    }
    if (ids.length < PAGE || applied === 0) return expired;
  }
}
