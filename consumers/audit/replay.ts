import { projectionOf } from "../projections/mod.ts";
import { applyAudit, audit } from "./service.ts";

/**
 * How `./berth projections rebuild audit` rebuilds the log: into `audit_rebuild`, then copied
 * over the live table inside the swap transaction. The serial `id` is numbered anew.
 */
export const auditReplay = projectionOf(audit, applyAudit, [
  { name: "audit_log", orderBy: ["chain", "position"], ignore: ["id"] },
]);
