import type { Sql } from "../db/db.ts";
import { DomainError } from "../errors/errors.ts";
import { log } from "../log/log.ts";
import { uuidv7 } from "../ids/uuid.ts";
import { expiredHolds } from "./queries.ts";
import { changeStatus } from "./reservations.ts";

export interface SweeperOptions {
  sql: Sql;
  signal: AbortSignal;
  intervalMs: number;
  now?: () => Date;
  onExpired?: (id: string) => void;
}

/**
 * Expires pending reservations whose hold has passed, releasing their inventory and publishing
 * `reservation.expired` through the outbox, with no request needed. A polling sweeper (every
 * `intervalMs`, default 1 s) rather than JetStream message schedules: the hold's truth is the
 * row in Postgres, a restart loses nothing (it finds every overdue hold on its next pass), and
 * several sweepers are safe (each expiry re-checks the row under its lock). Also deletes
 * idempotency keys past their expiry.
 */
export async function runSweeper(opts: SweeperOptions): Promise<void> {
  const now = opts.now ?? (() => new Date());
  let lastHousekeeping = 0;
  while (!opts.signal.aborted) {
    try {
      await sweepOnce(opts.sql, now(), opts.onExpired);
      if (Date.now() - lastHousekeeping > 60_000) {
        lastHousekeeping = Date.now();
        await opts.sql`delete from idempotency_keys where expires_at < now()`;
      }
    } catch (err) {
      log.warn("sweep failed; retrying", { err });
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, opts.intervalMs);
      opts.signal.addEventListener("abort", () => {
        clearTimeout(t);
        resolve();
      }, { once: true });
    });
  }
}

/** One pass: expires every overdue hold (in batches of 200); returns how many it expired. */
export async function sweepOnce(sql: Sql, now: Date, onExpired?: (id: string) => void) {
  let expired = 0;
  for (;;) {
    const ids = await expiredHolds(sql, now, 200);
    let progressed = 0;
    for (const id of ids) {
      try {
        await changeStatus(sql, id, "expire", {
          now,
          correlationId: uuidv7(),
          reason: "hold expired",
        });
        expired++;
        progressed++;
        onExpired?.(id);
      } catch (err) {
        // Confirmed, cancelled or expired by someone else meanwhile: nothing to do.
        if (!(err instanceof DomainError)) throw err;
      }
    }
    if (ids.length < 200 || progressed === 0) return expired;
  }
}
