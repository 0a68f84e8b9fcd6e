/**
 * The e-mails sent to guests, one per reservation outcome: what happened, the property, every
 * booked line, the amount, the confirmation number and the policy that applies, as plain text
 * and HTML; the confirmation carries an `.ics` calendar. Pure: the event's time is the clock.
 */
import type { EventOf } from "../runtime/mod.ts";
import type { Booking } from "./booking.ts";
import { describeLine, isStay, policyText, refundSentence } from "./booking.ts";
import { formatMoney } from "./format.ts";
import { calendar } from "./ics.ts";
import type { MailContent } from "./layout.ts";
import { htmlOf, textOf } from "./layout.ts";

/** Reservation events that send the guest an e-mail. */
export const emailedEvents = [
  "reservation.confirmed",
  "reservation.cancelled",
  "reservation.failed",
  "reservation.expired",
  "reservation.modification_declined",
] as const;

/** One of {@link emailedEvents}. */
export type EmailedEvent = typeof emailedEvents[number];

/** An event that e-mails the guest. */
export type MailedEvent = EventOf<EmailedEvent>;

/** A file sent with an e-mail (nodemailer's attachment, its content as text). */
export interface Attachment {
  filename: string;
  contentType: string;
  content: string;
}

/**
 * A rendered e-mail, ready for the mailer (which adds the sender). Stored as JSON with its
 * delivery, so it is sent as it was rendered however often it is tried.
 */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  attachments?: Attachment[];
  /** `<delivery id@berth>`: a resend of the same delivery is recognisably the same message. */
  messageId?: string;
}

/** What went wrong with a payment, in the guest's words; the codes are the provider's. */
const paymentTroubles: Record<string, string> = {
  card_declined: "your card was declined",
  insufficient_funds: "your card has insufficient funds",
  invalid_token: "the payment details were not accepted",
  no_payment_method: "no payment method was given",
  provider_timeout: "the payment service did not answer in time",
  provider_unavailable: "the payment service was not available",
};

/** A failure's reason (`payment failed: card_declined`, `card_declined`) for the guest. */
export function paymentTrouble(reason: string): string {
  const code = reason.replace(/^payment failed: */, "");
  return paymentTroubles[code] ?? reason;
}

/** For check-in and questions: a stay is a stay, seats and units are a booking. */
const keepNumber = (b: Booking) =>
  isStay(b)
    ? "Please keep your confirmation number at hand for check-in and any question about your stay."
    : "Please keep your confirmation number at hand for any question about your booking.";

/** The subject and content of the e-mail for `event`. */
function contentFor(event: MailedEvent, b: Booking): { subject: string; content: MailContent } {
  const n = b.confirmationNumber;
  const at = b.property.name;
  const now = new Date(event.occurredAt);
  const base = {
    name: b.guest.name,
    items: b.items.map((i) => describeLine(i, b.currency)),
  };
  const total: [string, string] = ["Total", formatMoney(b.total, b.currency)];
  const number: [string, string] = ["Confirmation number", n];
  /** "Your <thing> at <property> <what>": the subject names the number, the heading does not. */
  const mail = (
    thing: "booking" | "hold",
    what: string,
    rest: Pick<MailContent, "lead" | "summary" | "notes">,
  ) => ({
    subject: `Your ${thing} ${n} at ${at} ${what}`,
    content: { ...base, heading: `Your ${thing} at ${at} ${what}`, ...rest },
  });
  switch (event.type) {
    case "reservation.confirmed":
      return mail("booking", "is confirmed", {
        lead: [`Your booking at ${at} is confirmed. Your confirmation number is ${n}.`],
        summary: [total, number],
        notes: [
          policyText(b, now),
          keepNumber(b),
          `The attached ${n}.ics puts ${isStay(b) ? "your stay" : "it"} in your calendar.`,
        ],
      });
    case "reservation.cancelled": {
      const d = event.data;
      // Cancelled while pending: the payment never completed, the hold on the card is released.
      const stood = d.previousStatus !== "pending" && b.total > 0;
      const refund = stood ? refundSentence(b, now) : null;
      return mail("booking", "is cancelled", {
        lead: [`Your booking ${n} at ${at} has been cancelled. Reason: ${d.reason}.`],
        summary: refund
          ? [total, ["Refund", formatMoney(refund.refund, b.currency)], number]
          : [total, number],
        notes: [
          refund?.sentence ??
            "Nothing has been charged, and any amount held on your card is released.",
        ],
      });
    }
    case "reservation.failed":
      return mail("booking", "could not be completed", {
        lead: [
          `We could not complete your booking ${n} at ${at}: ${paymentTrouble(event.data.reason)}.`,
        ],
        summary: [total, number],
        notes: [
          "Nothing has been charged, and what was held for you has been released. " +
          "You are welcome to book again.",
        ],
      });
    case "reservation.expired":
      return mail("hold", "has expired", {
        lead: [
          `The hold on your booking ${n} at ${at} expired before the payment was completed, ` +
          "so what is listed below is no longer held for you.",
        ],
        summary: [total, number],
        notes: ["Nothing has been charged. You are welcome to book again."],
      });
    case "reservation.modification_declined": {
      const d = event.data;
      return {
        subject: `Your change to booking ${n} at ${at} could not be made`,
        content: {
          ...base,
          heading: `Your change to your booking at ${at} could not be made`,
          lead: [
            `The change to your booking ${n} at ${at} could not be made: the payment of the ` +
            `difference was declined (${paymentTrouble(d.reason)}).`,
            "Your booking stands as it was, and nothing more has been charged.",
          ],
          summary: [
            ["Total", formatMoney(d.total, d.currency)],
            ["Total with the change", formatMoney(d.requestedTotal, d.currency)],
            number,
          ],
          notes: [policyText(b, now), keepNumber(b)],
        },
      };
    }
  }
}

/**
 * The booking's calendar: one all-day VEVENT per line (a stay from arrival to departure, a
 * show on its date, units over their days), each with a UID of its reservation and line.
 */
export function bookingCalendar(b: Booking, stamp: Date): string {
  return calendar({
    prodId: "-//berth//guest mail//EN",
    events: b.items.map((line) => {
      const v = describeLine(line, b.currency);
      return {
        uid: `${b.reservationId}-${line.line}@berth`,
        stamp,
        start: line.from,
        end: line.to,
        summary: `${v.title}, ${b.property.name}`,
        location: b.property.name,
        description: [...v.details, `Confirmation number ${b.confirmationNumber}`].join("\n"),
      };
    }),
  });
}

/** Renders the e-mail that `event` sends to the guest of booking `b`. */
export function renderEmail(event: MailedEvent, b: Booking): EmailMessage {
  const { subject, content } = contentFor(event, b);
  const message: EmailMessage = {
    to: b.guest.email,
    subject,
    text: textOf(content),
    html: htmlOf(content),
  };
  if (event.type !== "reservation.confirmed") return message;
  return {
    ...message,
    attachments: [{
      filename: `${b.confirmationNumber}.ics`,
      contentType: "text/calendar; charset=utf-8; method=PUBLISH",
      content: bookingCalendar(b, new Date(event.occurredAt)),
    }],
  };
}
