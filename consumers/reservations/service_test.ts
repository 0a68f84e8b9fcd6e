import assert from "node:assert/strict";
import { integration, testDatabase } from "../../shared/testing/mod.ts";
import { inTransaction } from "../../shared/db/db.ts";
import { makeEvent } from "../../shared/events/envelope.ts";
import { booking, seedCatalogue, testApp } from "../../api/http/test_app.ts";
import type { HandlerContext } from "../runtime/mod.ts";
import { onRefusal, reservationsService } from "./service.ts";

Deno.test("refusals: only a too-late authorization expires the reservation", () => {
  assert.equal(onRefusal("hold_expired", "confirm"), "expire");
  assert.equal(onRefusal("invalid_transition", "confirm"), "ignore");
  assert.equal(onRefusal("not_found", "confirm"), "ignore");
  assert.equal(onRefusal("invalid_transition", "fail"), "ignore");
});

const ctx = { service: "reservations", attempt: 1, deliveries: 1, streamSeq: 1 } as HandlerContext;

integration("reservations: payment outcomes commit with the handler's transaction", async (t) => {
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
      }, { correlationId: "c1" });
    const status = async (id: string) =>
      (await db.sql`select status from reservations where id = ${id}`)[0].status;
    const events = async (id: string) =>
      (await db
        .sql`select type from outbox where payload::jsonb -> 'data' ->> 'reservationId' = ${id}
        order by seq`).map((r) => r.type);

    await t.step("confirms; rolled back, nothing happened", async () => {
      const r = await book(Date.now());
      await assert.rejects(
        inTransaction(db.sql, async (tx) => {
          await service.handle(tx, authorized(r.id, r.total), ctx);
          throw new Error("crash before commit");
        }),
        /crash/,
      );
      assert.equal(await status(r.id), "pending");
      await inTransaction(db.sql, (tx) => service.handle(tx, authorized(r.id, r.total), ctx));
      assert.equal(await status(r.id), "confirmed");
      assert.deepEqual(await events(r.id), ["reservation.created", "reservation.confirmed"]);
      // A second authorization (another payment attempt) changes nothing.
      await inTransaction(db.sql, (tx) => service.handle(tx, authorized(r.id, r.total), ctx));
      assert.deepEqual(await events(r.id), ["reservation.created", "reservation.confirmed"]);
    });

    await t.step("after the hold: expired, inventory released, not confirmed", async () => {
      const r = await book(Date.now() - 60 * 60_000);
      await inTransaction(db.sql, (tx) => service.handle(tx, authorized(r.id, r.total), ctx));
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
