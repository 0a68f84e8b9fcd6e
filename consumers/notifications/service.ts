/**
 * The notifications service's handler: it keeps the guest's e-mail from `reservation.created`,
 * and for each event queues what must go out (an e-mail to the guest, the event to every
 * endpoint of the property that wants it) in the handler's transaction. Sending happens in the
 * dispatcher, outside any event's transaction.
 */
import { defineService } from "../runtime/mod.ts";
import type { EventType } from "../../shared/events/catalogue.ts";
import { uuidv7 } from "../../shared/ids/uuid.ts";
import { type EmailedEvent, emailedEvents, renderEmail } from "./email.ts";
import * as q from "./queries.ts";

/**
 * Event types a webhook endpoint may subscribe to: the booking lifecycle (every reservation and
 * payment event). Notification events are left out, so a delivery never causes another.
 */
export const webhookEventTypes = [
  "reservation.created",
  "reservation.confirmed",
  "reservation.modified",
  "reservation.cancelled",
  "reservation.expired",
  "reservation.failed",
  "reservation.checked_in",
  "reservation.checked_out",
  "payment.authorized",
  "payment.failed",
  "payment.captured",
  "payment.refunded",
  "payment.settled",
] as const satisfies readonly EventType[];

const isEmailed = (t: string): t is EmailedEvent =>
  (emailedEvents as readonly string[]).includes(t);

/** Fires after queued deliveries committed, so the dispatcher of this process sends at once. */
export const deliveriesQueued: EventTarget = new EventTarget();

/** The `notifications` consuming service (run it with `runService`). */
export const notificationsService = defineService({
  name: "notifications",
  events: webhookEventTypes,
  afterCommit: () => deliveriesQueued.dispatchEvent(new Event("queued")),
  async handle(tx, event) {
    const queued: q.NewDelivery[] = [];
    const base = {
      property_id: event.propertyId,
      event_id: event.id,
      event_type: event.type,
      correlation_id: event.correlationId,
    };
    if (event.type === "reservation.created") {
      const d = event.data;
      await q.saveGuest(tx, {
        reservationId: d.reservationId,
        propertyId: event.propertyId,
        confirmationNumber: d.confirmationNumber,
        name: d.guest.name,
        email: d.guest.email,
      });
    }
    if (isEmailed(event.type)) {
      const data = event.data as { reservationId: string; reason?: string };
      const guest = await q.findGuest(tx, data.reservationId);
      if (guest) {
        const message = renderEmail(event.type, guest, data.reason);
        queued.push({
          ...base,
          id: uuidv7(),
          channel: "email",
          endpoint_id: null,
          target: message.to,
          body: JSON.stringify(message),
        });
      }
    }
    const body = JSON.stringify(event);
    for (const e of await q.endpointsWanting(tx, event.propertyId, event.type)) {
      queued.push({
        ...base,
        id: uuidv7(),
        channel: "webhook",
        endpoint_id: e.id,
        target: e.url,
        body,
      });
    }
    await q.queueDeliveries(tx, queued);
  },
});
