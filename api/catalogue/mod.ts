/** The catalogue module: properties, resources, inventory, availability. */
export { catalogueRoutes } from "./routes.ts";
export * as catalogueSchemas from "./schemas.ts";
export { dateRange, day, id, instant, isoDate, seatName } from "./schemas.ts";
