import type { Sql } from "../../shared/db/db.ts";
import { applyAudit, audit } from "./service.ts";

/**
 * How `./berth projections rebuild audit` rebuilds the log: into `audit_rebuild`, then copied
 * over the live table inside the swap transaction.
 */
export const auditReplay = {
  name: "audit",
  service: audit,
  searchPath: "audit_rebuild, public",
  apply: applyAudit,
  async createShadow(sql: Sql): Promise<void> {
    await sql`drop schema if exists audit_rebuild cascade`;
    await sql`create schema audit_rebuild`;
    await sql`create table audit_rebuild.audit_log (like audit.audit_log including all)`;
  },
  async lockLive(tx: Sql): Promise<void> {
    await tx`lock table audit.audit_log in share row exclusive mode`;
  },
  async copyIn(tx: Sql): Promise<void> {
    await tx`delete from audit.audit_log`;
    await tx`insert into audit.audit_log select * from audit_rebuild.audit_log`;
  },
  async dropShadow(sql: Sql): Promise<void> {
    await sql`drop schema if exists audit_rebuild cascade`;
  },
  /** The live projection in a stable order, for comparisons. */
  async snapshot(sql: Sql): Promise<unknown> {
    return await sql`
      select chain, position, event_id, event_type, property_id, reservation_id, occurred_at,
        event, event_hash, prev_hash, hash
      from audit.audit_log order by chain, position`;
  },
};
