/** KPIs over HTTP: `GET /v1/properties/:propertyId/kpis` (admin). */
export { analyticsRoutes } from "./routes.ts";
