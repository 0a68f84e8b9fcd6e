/** The e-mails sent to guests: pure rendering, one per reservation outcome. */

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

/** What an e-mail needs of the guest, read from the reservation (no event carries it). */
export interface Guest {
  name: string;
  email: string;
  confirmationNumber: string;
}

/** A rendered e-mail, ready for the mailer (which adds the sender). */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  /** `<delivery id@berth>`: a resend of the same delivery is recognisably the same message. */
  messageId?: string;
}

/** Renders the e-mail for `type`; `reason` comes from cancelled, failed and declined events. */
export function renderEmail(type: EmailedEvent, guest: Guest, reason?: string): EmailMessage {
  const n = guest.confirmationNumber;
  const [subject, lines]: [string, string[]] = (() => {
    switch (type) {
      case "reservation.confirmed":
        return [`Your booking ${n} is confirmed`, [
          `Your booking is confirmed. Your confirmation number is ${n}.`,
          "Please keep it at hand for check-in and any question about your stay.",
        ]];
      case "reservation.cancelled":
        return [`Your booking ${n} is cancelled`, [
          `Your booking ${n} has been cancelled${reason ? ` (${reason})` : ""}.`,
          "Any refund due under the cancellation policy is on its way to your payment method.",
        ]];
      case "reservation.failed":
        return [`Your booking ${n} could not be completed`, [
          `We could not complete your booking ${n}${reason ? `: ${reason}` : ""}.`,
          "Nothing has been charged. You are welcome to book again.",
        ]];
      case "reservation.expired":
        return [`Your hold ${n} has expired`, [
          `The hold on booking ${n} expired before the payment was completed.`,
          "Nothing has been charged. You are welcome to book again.",
        ]];
      case "reservation.modification_declined":
        return [`Your change to booking ${n} could not be made`, [
          `The payment for the change to booking ${n} was declined${reason ? ` (${reason})` : ""}.`,
          "Your booking stands as it was, and nothing more has been charged.",
        ]];
    }
  })();
  return { to: guest.email, subject, text: [`Dear ${guest.name},`, "", ...lines, ""].join("\n") };
}
