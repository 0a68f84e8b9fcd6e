/**
 * The reservations module: booking with idempotency, reading, modifying, state changes, and the
 * search of a property's reservations.
 */
export { reservationRoutes } from "./routes.ts";
export { reservationSearchRoutes } from "./search.ts";
export * as reservationSchemas from "./schemas.ts";
