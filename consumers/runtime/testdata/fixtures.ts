/** Test fixtures: a counting service and bursts of numbered events, shared by tests and worker. */
import { jetstream } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Sql } from "../../../shared/db/mod.ts";
import { makeEvent, sealEvent, subjectOf } from "../../../shared/events/mod.ts";
import { defineService } from "../service.ts";
import { uuidv7 } from "../../../shared/ids/mod.ts";

/** The table the counting service writes one row per application into. */
export async function createEffectsTable(sql: Sql): Promise<void> {
  await sql`create table if not exists test_effects (
    id bigserial primary key, event_id uuid not null, property_id text not null,
    n int not null, instance text not null)`;
}

/** The event number a burst put in the confirmation number. */
export function numberOf(confirmationNumber: string): number {
  return Number(confirmationNumber.slice(-6));
}

/**
 * A service that records each `reservation.checked_in` it applies (with its number and the
 * instance), after a short random pause, and emits one `notification.sent` per event.
 */
export function countingService(instance: string, maxPauseMs = 3) {
  return defineService({
    name: "counter",
    events: ["reservation.checked_in"],
    async handle(tx, event, ctx) {
      await tx`insert into test_effects (event_id, property_id, n, instance)
        values (${event.id}, ${event.propertyId}, ${numberOf(event.data.confirmationNumber)},
          ${instance})`;
      if (maxPauseMs) await new Promise((r) => setTimeout(r, Math.random() * maxPauseMs));
      await ctx.emit("notification.sent", {
        channel: "email",
        target: "guest@example.com",
        eventId: event.id,
        eventType: event.type,
        attempts: 1,
      });
    },
  });
}

/**
 * Publishes `count` numbered `reservation.checked_in` events, round-robin over `properties`,
 * signed, as the relay would (msg id = event id). Numbers start at `from` and rise per property.
 */
export async function publishBurst(
  nc: NatsConnection,
  properties: string[],
  count: number,
  from = 1,
): Promise<string[]> {
  const js = jetstream(nc);
  const ids: string[] = [];
  const acks = [];
  for (let i = 0; i < count; i++) {
    const n = from + i;
    const e = makeEvent("reservation.checked_in", properties[i % properties.length], {
      reservationId: crypto.randomUUID(),
      confirmationNumber: `RSV-2026-${String(n).padStart(6, "0")}`,
      userId: "u1",
    }, { correlationId: `burst-${n}`, now: new Date(), id: uuidv7() });
    ids.push(e.id);
    acks.push(js.publish(subjectOf(e.type, e.propertyId), await sealEvent(e), { msgID: e.id }));
  }
  await Promise.all(acks);
  return ids;
}
