/** The booking engine: domain rules, its transactions and the hold-expiry sweeper. */
export * from "./domain.ts";
export {
  changeStatus,
  changeStatusIn,
  type Ctx,
  getReservation,
  modifyReservation,
  type NewReservation,
  placeBooking,
  prepareBooking,
  type PreparedBooking,
  type ReservationView,
} from "./reservations.ts";
export { runSweeper, sweepOnce } from "./sweeper.ts";
export { applyRate } from "./rates.ts";
