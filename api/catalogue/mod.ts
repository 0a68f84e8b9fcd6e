/** The catalogue module: properties, resources, inventory, availability. */
export { catalogueRoutes, newId } from "./routes.ts";
export * as catalogueSchemas from "./schemas.ts";
export { dateRange, day, id, instant, isoDate, seatName } from "./schemas.ts";
export { findProperty } from "./queries.ts";
