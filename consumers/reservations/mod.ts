/** The reservations service: payment outcomes move reservations (see docs/payments.md). */
export { onRefusal, reservations, type ReservationsDeps, reservationsService } from "./service.ts";
