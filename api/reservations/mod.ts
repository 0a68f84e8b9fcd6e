/** The reservations module: booking with idempotency, reading, modifying, state changes. */
export { reservationRoutes } from "./routes.ts";
export * as reservationSchemas from "./schemas.ts";
