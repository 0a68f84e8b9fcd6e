/** The booking engine: domain rules, its one decision door, its one write path and the hold sweeper. */
export * from "./domain.ts";
export * from "./nights.ts";
export type { ItemView, PendingChange, ReservationState, ReservationView } from "./state.ts";
export { viewOf } from "./state.ts";
export type {
  BookingCommand,
  DecideCtx,
  Decided,
  HoldAsked,
  ModifyAsked,
  PriceAsked,
  SettleModificationAsked,
  StatusAsked,
} from "./decide.ts";
export { decide } from "./decide.ts";
export type { BookingRequest } from "./hold.ts";
export type { ModificationPayment } from "./modify.ts";
export type { Ctx, IdempotencyKey } from "./context.ts";
export type { NewReservation, PreparedBooking } from "./quote.ts";
export { prepareBooking } from "./quote.ts";
export { placeBooking } from "./place.ts";
export { getReservation, readReservations } from "./read.ts";
export { changeStatus, modificationStatus, modifyReservation } from "./change.ts";
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
