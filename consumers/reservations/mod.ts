/** The reservations service: payment outcomes move reservations (see docs/payments.md). */
export type { ReservationsDeps } from "./service.ts";
export { onRefusal, reservations, reservationsService } from "./service.ts";
