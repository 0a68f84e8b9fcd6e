/** The booking engine: domain rules, decisions, its one write path and the hold sweeper. */
export * from "./domain.ts";
export * from "./nights.ts";
export {
  decideChange,
  type Decided,
  decideHold,
  type ItemView,
  type ReservationState,
  type ReservationView,
  viewOf,
} from "./decide.ts";
export {
  decideModificationOutcome,
  decideModify,
  type ModificationPayment,
  type PendingChange,
} from "./modify.ts";
export {
  changeStatus,
  type Ctx,
  getReservation,
  type IdempotencyKey,
  modificationStatus,
  modifyReservation,
  type NewReservation,
  placeBooking,
  prepareBooking,
  type PreparedBooking,
  readReservations,
} from "./reservations.ts";
export { applyCommands, batchLocks, type Command, type Outcome } from "./write.ts";
export { GroupCommit, groupCommitOf } from "./group.ts";
export { runSweeper, sweepOnce } from "./sweeper.ts";
export { SoldOutCache } from "./soldout.ts";
export { inventoryOn, lockDates } from "./queries.ts";
export { type Found, type ReservationFilter, searchReservations } from "./search.ts";
export {
  type Adjustment,
  adjustmentOf,
  type CancellationPolicy,
  cancellationRefund,
  type Refund,
  refundFor,
} from "./money.ts";
