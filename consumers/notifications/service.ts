/**
 * The notifications service's handler: for each event it queues what must go out (an e-mail to
 * the guest, the event to every endpoint of the property that wants it) in the handler's
 * transaction. Events carry no guest contact: the guest's name and e-mail, the booked lines and
 * the property are read from Postgres, for the whole batch at once. The e-mail is rendered
 * here and stored with its delivery. Sending happens in the dispatcher, outside any event's
 * transaction.
 */
import type { EventOf } from "../runtime/mod.ts";
import { defineService, eventTraceContext } from "../runtime/mod.ts";
import { eventTypesOf } from "../../shared/events/mod.ts";
import type { Booking } from "./booking.ts";
import type { MailedEvent } from "./email.ts";
import { emailedEvents, renderEmail } from "./email.ts";
import * as q from "./queries.ts";

/**
 * Event types a webhook endpoint may subscribe to: the booking lifecycle (every reservation and
 * payment event). Notification events are left out, so a delivery never causes another.
 */
export const webhookEventTypes = eventTypesOf(["reservation", "payment"]);

/** Fires after queued deliveries committed, so the dispatcher of this process sends at once. */
export const deliveriesQueued: EventTarget = new EventTarget();

type Notified = EventOf<(typeof webhookEventTypes)[number]>;

const isMailed = (e: Notified): e is MailedEvent =>
  (emailedEvents as readonly string[]).includes(e.type);

/**
 * What a batch of events queues, in order: an e-mail to the guest for the events guests hear
 * of, and the event to every active endpoint of its property that wants it. `bookings` are the
 * reservations as e-mails tell them, by id (read from the engine's tables). Pure.
 */
export function deliveriesFor(
  events: Notified[],
  bookings: Map<string, Booking>,
  endpoints: { id: string; url: string; property_id: string; events: string[] }[],
  newId: () => string,
): q.NewDelivery[] {
  const queued: q.NewDelivery[] = [];
  for (const event of events) {
    const base = {
      property_id: event.propertyId,
      event_id: event.id,
      event_type: event.type,
      correlation_id: event.correlationId,
    };
    if (isMailed(event)) {
      const booking = bookings.get(event.data.reservationId);
      if (booking) {
        const message = renderEmail(event, booking);
        const body = JSON.stringify(message);
        queued.push({
          ...base,
          id: newId(),
          channel: "email",
          endpoint_id: null,
          target: message.to,
          body,
        });
      }
    }
    // The envelope as docs/notifications.md lists it: berth's own signature stays inside (the
    // delivery has an HMAC of its own), and an upcast event no longer matches it anyway.
    const { kid: _kid, sig: _sig, ...envelope } = event;
    const body = JSON.stringify(envelope);
    for (const e of endpoints) {
      if (e.property_id !== event.propertyId || !e.events.includes(event.type)) continue;
      queued.push({
        ...base,
        id: newId(),
        channel: "webhook",
        endpoint_id: e.id,
        target: e.url,
        body,
      });
    }
  }
  return queued;
}

/** The `notifications` consuming service (run it with `runService`). */
export const notificationsService = defineService({
  name: "notifications",
  events: webhookEventTypes,
  afterCommit: () => deliveriesQueued.dispatchEvent(new Event("queued")),
  async handleBatch(tx, events, ctx) {
    const mailed = events.filter(isMailed).map((e) => e.data.reservationId);
    const [bookings, endpoints] = await Promise.all([
      q.findBookings(tx, [...new Set(mailed)]),
      q.activeEndpoints(tx, [...new Set(events.map((e) => e.propertyId))]),
    ]);
    // A delivery continues its event's trace: the dispatcher's send is a child of its span.
    const byId = new Map(events.map((e) => [e.id, e]));
    const queued = deliveriesFor(events, bookings, endpoints, ctx.newId);
    await q.queueDeliveries(
      tx,
      queued.map((d) => ({ ...d, ...eventTraceContext(byId.get(d.event_id)!) })),
    );
  },
});
