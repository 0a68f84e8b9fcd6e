/** KPIs over HTTP: `GET /v1/properties/:propertyId/kpis` (admin). */
export { analyticsRoutes, kpiQuery } from "./routes.ts";
