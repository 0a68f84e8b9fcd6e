/** Liveness, readiness and metrics routes, and the scrape of the platform's processes. */
export { healthRoutes } from "./routes.ts";
export { scrape } from "./scrape.ts";
