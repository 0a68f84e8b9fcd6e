/** The reservations service: payment outcomes move reservations (see docs/payments.md). */
export { onRefusal, type ReservationsDeps, reservationsService } from "./service.ts";
