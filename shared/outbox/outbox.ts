import type { Sql } from "../db/mod.ts";
import type { Envelope } from "../events/mod.ts";
import { sealEvent, subjectOf } from "../events/mod.ts";

/**
 * Writes events to the outbox inside the caller's transaction, each signed with the process's
 * key (shared/events/signing.ts); the relay publishes them as they are.
 */
export async function appendToOutbox(tx: Sql, events: Envelope[]): Promise<void> {
  if (events.length === 0) return;
  const rows = await Promise.all(events.map(async (e) => ({
    id: e.id,
    property_id: e.propertyId,
    subject: subjectOf(e.type, e.propertyId),
    type: e.type,
    payload: await sealEvent(e),
  })));
  await tx`insert into outbox ${tx(rows, "id", "property_id", "subject", "type", "payload")}`;
}

/** Events written and not yet published, and the age of the oldest in seconds. */
export async function outboxBacklog(sql: Sql): Promise<{ events: number; oldestSeconds: number }> {
  const [row] = await sql<{ events: number; oldest: number | null }[]>`
    select count(*)::int as events,
      extract(epoch from now() - min(created_at))::float8 as oldest
    from outbox where published_at is null`;
  return { events: row.events, oldestSeconds: row.oldest ?? 0 };
}
