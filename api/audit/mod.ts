/** The audit log over HTTP: `GET /v1/audit` (admin). */
export { auditRoutes } from "./routes.ts";
