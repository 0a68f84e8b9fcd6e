/** Booking history: `GET /v1/users/:userId/reservations`, read from the history projection. */
export { historyRoutes } from "./routes.ts";
