import type { Sql } from "../../shared/db/mod.ts";
import type { Envelope } from "../../shared/events/mod.ts";

/** Where an event came from, recorded beside the service's inbox row. */
export interface InboxEntry {
  service: string;
  event: Envelope;
  stream: string;
  streamSeq: number;
}

/** Records that a service sent an event to the DLQ; leaves an applied event as it is. */
export async function recordDeadLetter(sql: Sql, entry: InboxEntry, error: string): Promise<void> {
  const { service, event, stream, streamSeq } = entry;
  await sql`
    insert into consumer_inbox
      (service, event_id, event_type, property_id, stream, stream_seq, outcome, error)
    values (${service}, ${event.id}, ${event.type}, ${event.propertyId}, ${stream}, ${streamSeq},
      'dead_lettered', ${error})
    on conflict (service, event_id) do update set error = excluded.error, handled_at = now()
      where consumer_inbox.outcome = 'dead_lettered'`;
}

/** The ids among `eventIds` that a service has applied or dead-lettered. */
export async function settledEvents(
  sql: Sql,
  service: string,
  eventIds: string[],
): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const rows = await sql<{ event_id: string }[]>`
    select event_id from consumer_inbox
    where service = ${service} and event_id = any(${eventIds}::uuid[])`;
  return new Set(rows.map((r) => r.event_id));
}
