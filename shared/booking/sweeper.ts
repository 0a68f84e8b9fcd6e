import type { Sql } from "../db/db.ts";
import { DomainError } from "../errors/errors.ts";
import { log } from "../log/log.ts";
import { every } from "../time/mod.ts";
import { uuidv7 } from "../ids/uuid.ts";
import { expiredHolds } from "./queries.ts";
import { readReservations } from "./reservations.ts";
import { decideChange, type Decided } from "./decide.ts";
import { applyCommands } from "./write.ts";

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
 * several sweepers are safe (each expiry is checked against the row as it was read). Also
 * deletes idempotency keys past their expiry.
 */
export async function runSweeper(opts: SweeperOptions): Promise<void> {
  const now = opts.now ?? (() => new Date());
  let lastHousekeeping = 0;
  await every(opts.intervalMs, opts.signal, async () => {
    try {
      await sweepOnce(opts.sql, now(), opts.onExpired);
      if (Date.now() - lastHousekeeping > 60_000) {
        lastHousekeeping = Date.now();
        await opts.sql`delete from idempotency_keys where expires_at < ${now()}`;
      }
    } catch (err) {
      log.warn("sweep failed; retrying", { err });
    }
  });
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
        const id = () => uuidv7(now.getTime());
        return [
          decideChange(s, "expire", {
            now,
            newId: id,
            correlationId: id(),
            reason: "hold expired",
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
