import assert from "node:assert/strict";
import { integration, testDatabase } from "../../testing/mod.ts";
import type { Envelope } from "../../shared/events/mod.ts";
import { makeEvent } from "../../shared/events/mod.ts";
import { booking, seedCatalogue, testApp } from "../../testing/app.ts";
import type { BatchEvent } from "../runtime/mod.ts";
import { onRefusal, reservationsService } from "./service.ts";
import { uuidv7 } from "../../shared/ids/mod.ts";

Deno.test("refusals: only a too-late authorization expires the reservation", () => {
  assert.equal(onRefusal("hold_expired", "confirm"), "expire");
  assert.equal(onRefusal("invalid_transition", "confirm"), "ignore");
  assert.equal(onRefusal("not_found", "confirm"), "ignore");
  assert.equal(onRefusal("invalid_transition", "fail"), "ignore");
});

let seq = 0;
const delivered = (event: Envelope) =>
  ({
    event,
    deliveries: 1,
    inbox: {
      eventId: event.id,
      eventType: event.type,
      propertyId: event.propertyId,
      stream: "PAYMENTS",
      streamSeq: ++seq,
    },
  }) as BatchEvent<"payment.authorized">;

integration("reservations: payment outcomes commit with their inbox rows, once", async (t) => {
  const db = await testDatabase();
  const { call, clock } = testApp(db.sql);
  const service = reservationsService();
  try {
    const { propertyId, roomId } = await seedCatalogue(call);
    const book = async (at: number) => {
      clock.t = at;
      const items = [{ resourceId: roomId, from: "2030-06-01", to: "2030-06-02" }];
      const r = await call("POST", "/v1/reservations", booking(propertyId, items), {
        "idempotency-key": crypto.randomUUID(),
      });
      return r.body as { id: string; total: number };
    };
    const authorized = (id: string, amount: number) =>
      makeEvent("payment.authorized", propertyId, {
        reservationId: id,
        paymentId: "pay_x",
        amount,
        currency: "EUR",
      }, { correlationId: "c1", now: new Date(), id: uuidv7() });
    const status = async (id: string) =>
      (await db.sql`select status from reservations where id = ${id}`)[0].status;
    const events = async (id: string) =>
      (await db
        .sql`select type from outbox where payload::jsonb -> 'data' ->> 'reservationId' = ${id}
        order by seq`).map((r) => r.type);

    const apply = (...events: Envelope[]) =>
      service.applyBatch!(db.sql, events.map(delivered), 1, { now: new Date(), newId: uuidv7 });

    await t.step("confirms once; the same event again is a duplicate", async () => {
      const r = await book(Date.now());
      const event = authorized(r.id, r.total);
      assert.deepEqual(await apply(event), ["applied"]);
      assert.equal(await status(r.id), "confirmed");
      assert.deepEqual(await events(r.id), ["reservation.created", "reservation.confirmed"]);
      assert.deepEqual(await apply(event), ["duplicate"]);
      // A second authorization (another payment attempt) changes nothing.
      assert.deepEqual(await apply(authorized(r.id, r.total)), ["applied"]);
      assert.deepEqual(await events(r.id), ["reservation.created", "reservation.confirmed"]);
      const [inbox] = await db.sql`select count(*)::int as n from consumer_inbox
        where service = 'reservations'`;
      assert.equal(inbox.n, 2);
    });

    await t.step("after the hold: expired, inventory released, not confirmed", async () => {
      const r = await book(Date.now() - 60 * 60_000);
      assert.deepEqual(await apply(authorized(r.id, r.total)), ["applied"]);
      assert.equal(await status(r.id), "expired");
      assert.deepEqual(await events(r.id), ["reservation.created", "reservation.expired"]);
      const [inv] = await db.sql`select held, sold from inventory
        where resource_id = ${roomId} and date = '2030-06-01'`;
      assert.deepEqual({ ...inv }, { held: 0, sold: 1 }); // the one confirmed above
    });
  } finally {
    await db.drop();
  }
});
