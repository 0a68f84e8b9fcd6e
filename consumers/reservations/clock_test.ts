import assert from "node:assert/strict";
import { eventually, integration } from "../../testing/mod.ts";
import { booking, seedCatalogue, testApp, TestClock } from "../../testing/app.ts";
import { pipeline } from "../../testing/pipeline.ts";
import { GuardedProvider, PaymentSimulator, paymentsService } from "../payments/mod.ts";
import { rates } from "../rates/mod.ts";
import { reservationsService } from "./service.ts";

/**
 * One clock governs everything: with the api, the services and their runtime on a test clock
 * far from real time, a booking's history and every event of its saga (its hold, the payment,
 * the confirmation) and the price change it causes (`rate.updated`, emitted through the
 * runtime) carry that clock's time, not the machine's or Postgres's.
 */
integration(
  "one clock: a booking and its confirmation carry the test clock's time in history and events",
  async () => {
    const T = "2030-01-15T08:00:00.000Z";
    const clock = new TestClock(Date.parse(T));
    const p = await pipeline((sql) => [
      paymentsService({
        provider: new GuardedProvider(new PaymentSimulator(sql), { timeoutMs: 5000 }),
        now: clock.now,
      }),
      reservationsService({ now: clock.now }),
      rates,
    ], { now: clock.now });
    const { call } = testApp(p.sql, { clock });
    try {
      const { propertyId, roomId } = await seedCatalogue(call);
      // Any booking moves the price: the rates service emits rate.updated through the runtime.
      const rules = await call(
        "PUT",
        `/v1/properties/${propertyId}/resources/${roomId}/rate-rules`,
        { tiers: [{ occupancy: 0.01, multiplier: 1.5 }], floor: 1, ceiling: 1_000_000 },
      );
      assert.equal(rules.status, 200, JSON.stringify(rules.body));
      const items = [{ resourceId: roomId, from: "2030-06-01", to: "2030-06-03" }];
      const r = await call("POST", "/v1/reservations", booking(propertyId, items), {
        "idempotency-key": crypto.randomUUID(),
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const id: string = r.body.id;
      const sagaEvents = () =>
        p.sql<{ type: string; payload: string }[]>`
          select type, payload from outbox
          where payload::jsonb -> 'data' ->> 'reservationId' = ${id} order by seq`;
      const types = (rows: { type: string }[]) => new Set(rows.map((e) => e.type));
      const repriced = async () =>
        (await p.sql`select 1 from outbox where type = 'rate.updated'`).length > 0;
      const events = await eventually(
        async () => {
          const rows = await sagaEvents();
          const seen = types(rows);
          const done = ["reservation.confirmed", "payment.authorized"].every((t) => seen.has(t));
          return done && await repriced() && rows;
        },
        30_000,
        "the booking authorized and confirmed, and its nights repriced",
      );

      assert.deepEqual(
        (await call("GET", `/v1/reservations/${id}`)).body.history.map((
          h: { status: string; at: string },
        ) => [h.status, h.at]),
        [["pending", T], ["confirmed", T]],
      );
      const [row] = await p.sql<{ created_at: Date; updated_at: Date }[]>`
        select created_at, updated_at from reservations where id = ${id}`;
      assert.deepEqual([row.created_at.toISOString(), row.updated_at.toISOString()], [T, T]);
      for (const e of events) {
        assert.equal(JSON.parse(e.payload).occurredAt, T, `${e.type} occurred at the clock's time`);
      }
      // Every other event written meanwhile (inventory.updated, rate.updated) is on that clock.
      const all = await p.sql<
        { type: string; payload: string }[]
      >`select type, payload from outbox`;
      const off = all.filter((e) => JSON.parse(e.payload).occurredAt !== T).map((e) => e.type);
      assert.deepEqual(off, []);
    } finally {
      await p.close();
    }
  },
);
