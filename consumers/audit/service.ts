import type { Sql } from "../../shared/db/db.ts";
import { eventTypes } from "../../shared/events/catalogue.ts";
import type { Envelope } from "../../shared/events/envelope.ts";
import { defineService } from "../runtime/mod.ts";
import { chainOf, entryHash, GENESIS, reservationIdOf, sha256 } from "./chain.ts";

/**
 * Appends one event to its chain. Table names are unqualified: the caller sets the search path
 * (`audit` live, `audit_rebuild` during a replay).
 */
export async function applyAudit(tx: Sql, event: Envelope): Promise<void> {
  const chain = chainOf(event);
  const [last] = await tx<{ position: number; hash: string }[]>`
    select position, hash from audit_log where chain = ${chain} order by position desc limit 1`;
  const text = JSON.stringify(event);
  const eventHash = await sha256(text);
  const position = (last?.position ?? 0) + 1;
  const prevHash = last?.hash ?? GENESIS;
  const hash = await entryHash({ chain, position, prevHash, eventHash });
  await tx`
    insert into audit_log (chain, position, event_id, event_type, property_id, reservation_id,
      occurred_at, event, event_hash, prev_hash, hash)
    values (${chain}, ${position}, ${event.id}, ${event.type}, ${event.propertyId},
      ${reservationIdOf(event)}, ${event.occurredAt}, ${text}, ${eventHash}, ${prevHash}, ${hash})`;
}

/** The audit service: every event type of the catalogue, appended to the hash-chained log. */
export const audit = defineService({
  name: "audit",
  events: eventTypes,
  async handle(tx, event) {
    await tx`select set_config('search_path', 'audit, public', true)`;
    await applyAudit(tx, event);
  },
});
