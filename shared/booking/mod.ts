/** The booking engine: domain rules, decisions, its one write path and the hold sweeper. */
export * from "./domain.ts";
export * from "./nights.ts";
export type { Decided, ItemView, ReservationState, ReservationView } from "./decide.ts";
export { decideChange, decideHold, viewOf } from "./decide.ts";
export type { ModificationPayment, PendingChange } from "./modify.ts";
export { decideModificationOutcome, decideModify } from "./modify.ts";
export type { Ctx, IdempotencyKey, NewReservation, PreparedBooking } from "./reservations.ts";
export {
  changeStatus,
  getReservation,
  modificationStatus,
  modifyReservation,
  placeBooking,
  prepareBooking,
  readReservations,
} from "./reservations.ts";
export type { Command, Outcome } from "./write.ts";
export { applyCommands, batchLocks } from "./write.ts";
export { GroupCommit, groupCommitOf } from "./group.ts";
export { runSweeper, sweepOnce } from "./sweeper.ts";
export { SoldOutCache } from "./soldout.ts";
export { inventoryOn, lockDates } from "./queries.ts";
export type { Found, ReservationFilter } from "./search.ts";
export { searchReservations } from "./search.ts";
export type { Adjustment, CancellationPolicy, Refund } from "./money.ts";
export { adjustmentOf, cancellationRefund, refundFor } from "./money.ts";
