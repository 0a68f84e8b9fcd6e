/** The catalogue module: properties, resources, inventory, availability. */
export { catalogueRoutes, newId } from "./routes.ts";
export * as catalogueSchemas from "./schemas.ts";
