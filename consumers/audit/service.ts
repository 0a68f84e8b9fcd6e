import type { Sql } from "../../shared/db/mod.ts";
import type { Envelope } from "../../shared/events/mod.ts";
import { eventTypes, receivedText } from "../../shared/events/mod.ts";
import { defineService } from "../runtime/mod.ts";
import { chainOf, entryHash, GENESIS, reservationIdOf, sha256 } from "./chain.ts";

/**
 * Appends events to their chains, in order: the last entry of every chain they touch is read
 * with one statement, the hashes are chained here, and the entries are written with one
 * statement. Table names are unqualified: the caller sets the search path (`audit` live,
 * `audit_rebuild` during a replay).
 */
export async function applyAudit(tx: Sql, ...events: Envelope[]): Promise<void> {
  if (events.length === 0) return;
  const chains = [...new Set(events.map(chainOf))];
  const last = await tx<{ chain: string; position: number; hash: string }[]>`
    select c.chain, l.position, l.hash
    from unnest(${chains}::text[]) as c(chain)
    join lateral (
      select position, hash from audit_log a where a.chain = c.chain
      order by position desc limit 1) l on true`;
  const tip = new Map(last.map((r) => [r.chain, { position: r.position, hash: r.hash }]));
  const rows = events.map((event) => {
    const chain = chainOf(event);
    const prev = tip.get(chain) ?? { position: 0, hash: GENESIS };
    // As its producer signed it, so `audit verify` can check the signature again.
    const text = receivedText(event);
    const eventHash = sha256(text);
    const position = prev.position + 1;
    const hash = entryHash({ chain, position, prevHash: prev.hash, eventHash });
    tip.set(chain, { position, hash });
    return {
      chain,
      position,
      event_id: event.id,
      event_type: event.type,
      property_id: event.propertyId,
      reservation_id: reservationIdOf(event),
      occurred_at: event.occurredAt,
      event: text,
      event_hash: eventHash,
      prev_hash: prev.hash,
      hash,
    };
  });
  await tx`insert into audit_log ${tx(rows)}`;
}

/** The audit service: every event type of the catalogue, appended to the hash-chained log. */
export const audit = defineService({
  name: "audit",
  events: eventTypes,
  async handleBatch(tx, events) {
    await tx`select set_config('search_path', 'audit, public', true)`;
    await applyAudit(tx, ...events);
  },
});
