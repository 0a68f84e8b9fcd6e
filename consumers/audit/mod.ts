/** The audit service: every event, hash-chained; verification and replay. */
export { applyAudit, audit } from "./service.ts";
export { chainOf, entryHash, GENESIS, sha256 } from "./chain.ts";
export type { BrokenLink, VerifyReport } from "./verify.ts";
export { verifyAuditLog } from "./verify.ts";
export { auditReplay } from "./replay.ts";
