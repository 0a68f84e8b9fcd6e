/** The audit log over HTTP: `GET /v1/audit` (admin). */
export { auditQuery, auditRoutes } from "./routes.ts";
