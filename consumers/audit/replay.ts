import type { Sql } from "../../shared/db/db.ts";
import type { Projection } from "../projections/projection.ts";
import { applyAudit, audit } from "./service.ts";

/**
 * How `./berth projections rebuild audit` rebuilds the log: into `audit_rebuild`, then copied
 * over the live table inside the swap transaction.
 */
export const auditReplay: Projection = {
  name: "audit",
  service: audit,
  schema: "audit",
  tables: ["audit_log"],
  apply: applyAudit,
  async rows(sql: Sql): Promise<unknown> {
    return await sql`
      select chain, position, event_id, event_type, property_id, reservation_id, occurred_at,
        event, event_hash, prev_hash, hash
      from audit.audit_log order by chain, position`;
  },
};
