/**
 * The ops page: live bookings, confirmations, latency, lag, dead letters, the outbox and
 * occupancy for operators, from the same figures as `/metrics`.
 * @module
 */
export { opsPageRoutes, opsRoutes } from "./routes.ts";
export type { OpsSummary } from "./summary.ts";
export { opsSummary } from "./summary.ts";
