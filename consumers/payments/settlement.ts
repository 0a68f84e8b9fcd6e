/**
 * The daily settlement: for a UTC day, the money each property took and gave back per currency,
 * published as `payment.settled` (one event per property and currency, through the outbox).
 * Captures and refunds count; voids moved no money and do not. A day is settled once: the
 * settlement row's key (day, property, currency) is written in the same transaction as the event.
 */
import type { Sql } from "../../shared/db/mod.ts";
import { inTransaction } from "../../shared/db/mod.ts";
import { makeEvent } from "../../shared/events/mod.ts";
import { appendToOutbox } from "../../shared/outbox/mod.ts";
import { uuidv7 } from "../../shared/ids/mod.ts";
import { log } from "../../shared/log/mod.ts";
import { every } from "../../shared/time/mod.ts";

/** The totals of one property and currency on one day. */
export interface Settlement {
  date: string;
  propertyId: string;
  currency: string;
  captured: number;
  refunded: number;
  net: number;
  payments: number;
}

/**
 * Settles `date` (YYYY-MM-DD, UTC): every (property, currency) with captures or refunds that day
 * and no settlement yet gets one, and its `payment.settled` event. Returns the new settlements.
 */
export async function settleDay(sql: Sql, date: string, now: Date): Promise<Settlement[]> {
  return await inTransaction(sql, async (tx) => {
    const totals = await tx`
      select property_id, currency,
        coalesce(sum(amount) filter (where kind = 'capture'), 0)::bigint as captured,
        coalesce(sum(amount) filter (where kind = 'refund'), 0)::bigint as refunded,
        count(distinct reservation_id)::int as payments
      from payments.movements
      where kind in ('capture', 'refund')
        and at >= (${date}::date::timestamp at time zone 'UTC')
        and at < ((${date}::date + 1)::timestamp at time zone 'UTC')
      group by property_id, currency
      order by property_id, currency`;
    const out: Settlement[] = [];
    for (const t of totals) {
      const s: Settlement = {
        date,
        propertyId: t.property_id,
        currency: t.currency.trim(),
        captured: Number(t.captured),
        refunded: Number(t.refunded),
        net: Number(t.captured) - Number(t.refunded),
        payments: t.payments,
      };
      const event = makeEvent("payment.settled", s.propertyId, {
        date,
        currency: s.currency,
        captured: s.captured,
        refunded: s.refunded,
        net: s.net,
        payments: s.payments,
      }, { correlationId: uuidv7(now.getTime()), now, id: uuidv7(now.getTime()) });
      const inserted = await tx`
        insert into payments.settlements (date, property_id, currency, captured, refunded, net,
          payments, event_id, settled_at)
        values (${date}, ${s.propertyId}, ${s.currency}, ${s.captured}, ${s.refunded}, ${s.net},
          ${s.payments}, ${event.id}, ${now})
        on conflict do nothing
        returning event_id`;
      if (inserted.length === 0) continue;
      await appendToOutbox(tx, [event]);
      out.push(s);
    }
    return out;
  });
}

/** The UTC day `days` before `now`, as YYYY-MM-DD. */
export function dayBefore(now: Date, days = 1): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
}

/** How the settlement timer runs. */
export interface SettlementOptions {
  sql: Sql;
  signal: AbortSignal;
  /** How often it looks for unsettled days (default one minute). */
  intervalMs?: number;
  /** Past days it catches up on after downtime (default 7). */
  catchUpDays?: number;
  now?: () => Date;
}

/**
 * The daily settlement timer: every `intervalMs` it settles each finished UTC day of the last
 * `catchUpDays` that is not settled yet, so a day is settled soon after midnight UTC and a
 * process that was down settles what it missed. Safe with several workers (the key decides).
 */
export async function runSettlement(opts: SettlementOptions): Promise<void> {
  const now = opts.now ?? (() => new Date());
  await every(opts.intervalMs ?? 60_000, opts.signal, async () => {
    try {
      for (let d = opts.catchUpDays ?? 7; d >= 1; d--) {
        const settled = await settleDay(opts.sql, dayBefore(now(), d), now());
        for (const s of settled) log.info("payments settled", { ...s });
      }
    } catch (err) {
      log.warn("settlement failed; retrying", { err });
    }
  });
}
