/** Reads the audit service's log (audit.audit_log). */
import type { PageOpts, Sql } from "../../shared/db/mod.ts";

export interface AuditRow {
  id: string;
  chain: string;
  position: number;
  event_id: string;
  event_type: string;
  property_id: string;
  reservation_id: string | null;
  occurred_at: Date;
  event: string;
  event_hash: string;
  prev_hash: string;
  hash: string;
  /** Its place in the list (cursor_at of occurred_at). */
  cursor_at: string;
}

/**
 * A page of audit entries in the order the events occurred (then by id), filtered by
 * reservation and/or property.
 */
export async function auditEntries(
  sql: Sql,
  f: PageOpts & { reservationId?: string; propertyId?: string },
): Promise<AuditRow[]> {
  return await sql<AuditRow[]>`
    select id::text, chain, position, event_id, event_type, property_id, reservation_id,
      occurred_at, event, event_hash, prev_hash, hash, cursor_at(occurred_at)
    from audit.audit_log
    where true
      ${f.reservationId ? sql`and reservation_id = ${f.reservationId}` : sql``}
      ${f.propertyId ? sql`and property_id = ${f.propertyId}` : sql``}
      ${
    f.after
      ? sql`and (occurred_at, id) > (${f.after.at}::text::timestamptz, ${f.after.id}::bigint)`
      : sql``
  }
    order by occurred_at, id
    limit ${f.limit}`;
}
