/**
 * The booking as a guest's e-mail tells it: what was booked, line by line in the booking's
 * words (room nights with arrival and departure, a show's date and seats, unit days), and what
 * the property's cancellation policy means for it. Pure: the clock comes in as an argument.
 */
import type { CancellationPolicy } from "../payments/mod.ts";
import { refundFor } from "../payments/mod.ts";
import { counted, formatDate, formatInstant, formatMoney } from "./format.ts";
import { datesIn, daysIn } from "../../shared/booking/mod.ts";

/** One line of a reservation with its resource's name; dates are the property's, `to` excluded. */
export interface BookedLine {
  line: number;
  resource: string;
  kind: "room" | "unit" | "seat";
  from: string;
  to: string;
  quantity: number;
  seats: string[] | null;
  /** Minor units of the booking's currency. */
  amount: number;
}

/**
 * What an e-mail needs of a reservation, read from Postgres (no event carries the guest, and
 * the lines are named by their resources there).
 */
export interface Booking {
  reservationId: string;
  confirmationNumber: string;
  guest: { name: string; email: string };
  property: { name: string; timezone: string; policy: CancellationPolicy };
  total: number;
  currency: string;
  /** The start of the first night or day in the property's time zone: the policy's anchor. */
  startsAt: Date;
  items: BookedLine[];
}

/** A line as the e-mail shows it: a title, what it is in words, and its amount. */
export interface LineView {
  title: string;
  details: string[];
  amount: string;
}

const times = (n: number, name: string) => (n > 1 ? `${n} × ${name}` : name);

/** The days `[from, to)` in words: one day, or the first to the last. */
function daySpan(from: string, to: string): string {
  const days = datesIn(from, to);
  return days.length === 1
    ? formatDate(from)
    : `${formatDate(from)} to ${formatDate(days.at(-1)!)}`;
}

/** What a line is, in words: `Arrival Wed 5 Jun 2030, departure Fri 7 Jun 2030 (2 nights)`. */
export function describeLine(line: BookedLine, currency: string): LineView {
  const amount = formatMoney(line.amount, currency);
  const n = daysIn(line.from, line.to);
  switch (line.kind) {
    case "room":
      return {
        title: times(line.quantity, line.resource),
        details: [
          `Arrival ${formatDate(line.from)}, departure ${formatDate(line.to)} ` +
          `(${counted(n, "night")})`,
        ],
        amount,
      };
    case "seat": {
      const seats = line.seats ?? [];
      return {
        title: line.resource,
        details: [
          n === 1 ? formatDate(line.from) : `Every day from ${daySpan(line.from, line.to)}`,
          `${seats.length === 1 ? "Seat" : "Seats"} ${seats.join(", ")}`,
        ],
        amount,
      };
    }
    case "unit":
      return {
        title: times(line.quantity, line.resource),
        details: [`${daySpan(line.from, line.to)} (${counted(n, "day")})`],
        amount,
      };
  }
}

/** Whether the booking has a room: only then is it a "stay". */
export const isStay = (b: Booking): boolean => b.items.some((i) => i.kind === "room");

/** The end of free cancellation: `freeCancelHours` before the start. */
function freeCancelUntil(b: Booking): Date {
  return new Date(b.startsAt.getTime() - b.property.policy.freeCancelHours * 3_600_000);
}

/** When free cancellation ends, in the property's clock and with its zone named. */
function deadlineText(b: Booking): string {
  return `${formatInstant(freeCancelUntil(b), b.property.timezone)} (${b.property.timezone} time)`;
}

/** What a late cancellation gives back, as the end of a sentence. */
function lateRule(b: Booking): string {
  const pct = b.property.policy.lateRefundPercent;
  return pct === 0
    ? "the booking is not refundable"
    : `a cancellation refunds ${pct}% of the amount`;
}

/**
 * The policy that applies to a booking that stands, as of `now`: free cancellation until the
 * deadline and what follows it, or, once the deadline has passed, what a cancellation refunds.
 */
export function policyText(b: Booking, now: Date): string {
  const pct = b.property.policy.lateRefundPercent;
  if (pct === 100) return "Cancellation policy: free cancellation, the full amount is refunded.";
  if (now.getTime() <= freeCancelUntil(b).getTime()) {
    return `Cancellation policy: free cancellation until ${deadlineText(b)}. ` +
      `After that, ${lateRule(b)}.`;
  }
  return `Cancellation policy: free cancellation ended on ${deadlineText(b)}; ` +
    `now ${lateRule(b)}.`;
}

/**
 * What a cancellation at `cancelledAt` of a booking that stood gives back under the property's
 * policy (the rule the payments service applies, `refundFor`), and the sentence that says why.
 */
export function refundSentence(
  b: Booking,
  cancelledAt: Date,
): { refund: number; sentence: string } {
  const refund = refundFor(b.total, b.startsAt, cancelledAt, b.property.policy);
  const pct = b.property.policy.lateRefundPercent;
  const back = "A refund goes back to the payment method you booked with.";
  if (pct === 100) {
    return { refund, sentence: `The full amount is refunded: cancellation is free. ${back}` };
  }
  const when = `the booking was cancelled ${refund === b.total ? "by" : "after"} ` +
    `${deadlineText(b)}, the end of free cancellation`;
  if (refund === b.total) {
    return { refund, sentence: `The full amount is refunded: ${when}. ${back}` };
  }
  if (refund === 0) {
    return { refund, sentence: `Nothing is refunded under the cancellation policy: ${when}.` };
  }
  const fee = formatMoney(b.total - refund, b.currency);
  return {
    refund,
    sentence: `${pct}% is refunded under the cancellation policy: ${when}; ` +
      `${fee} is kept as the cancellation fee. ${back}`,
  };
}
