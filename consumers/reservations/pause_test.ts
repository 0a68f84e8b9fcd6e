import assert from "node:assert/strict";
import { jetstream } from "@nats-io/jetstream";
import { eventually, integration } from "../../testing/mod.ts";
import { makeEvent, sealEvent, subjectOf } from "../../shared/events/mod.ts";
import { booking, seedCatalogue, seedUnit, testApp } from "../../testing/app.ts";
import { sleep } from "../../shared/time/mod.ts";
import { platform } from "../../testing/platform.ts";
import { uuidv7 } from "../../shared/ids/mod.ts";

const workerPath = new URL("./testdata/worker.ts", import.meta.url).pathname;

/**
 * Bookings go on while a workers process confirms their payments, is stopped (SIGSTOP) for
 * 1.5 s four times in the middle of its work, and is let go again: no booking waits for it, no
 * deadlock is detected between bookings, cancellations and its batches over the same dates,
 * and every payment confirms in the end.
 */
integration(
  "a stopped worker stalls no booking, and workers and bookings never deadlock",
  async () => {
    const p = await platform();
    const { call } = testApp(p.sql);
    const js = jetstream(p.nc);
    const worker = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", workerPath],
      env: { DATABASE_URL: p.db.url, NATS_URL: p.server.url, LOG_LEVEL: "silent" },
      stdin: "null",
      stdout: "null",
    }).spawn();
    try {
      const { propertyId, roomId } = await seedCatalogue(call, { rooms: 100_000 });
      const unitId = await seedUnit(call, propertyId, 100_000);
      const [{ deadlocks: deadlocksBefore }] = await p.sql<{ deadlocks: number }[]>`
      select deadlocks::int from pg_stat_database where datname = current_database()`;
      const day = (n: number) => `2030-06-0${n + 1}`;
      const latencies: number[] = [];
      const booked: string[] = [];
      let running = true;
      // Bookings of two resources over overlapping dates, in either order, with their payments
      // authorized as the payments service would; now and then one is cancelled.
      const client = async (c: number) => {
        for (let i = 0; running; i++) {
          const a = (c + i) % 5;
          const items = [
            { resourceId: roomId, from: day(a), to: day(a + 2) },
            { resourceId: unitId, from: day(a + 1), to: day(a + 3), quantity: 1 },
          ];
          if (i % 2) items.reverse();
          const t0 = performance.now();
          const r = await call("POST", "/v1/reservations", booking(propertyId, items), {
            "idempotency-key": crypto.randomUUID(),
          });
          latencies.push(performance.now() - t0);
          assert.equal(r.status, 201, JSON.stringify(r.body));
          booked.push(r.body.id);
          if (i % 7 === 3) {
            const cancel = await call("POST", `/v1/reservations/${r.body.id}/cancel`, {});
            assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
            continue;
          }
          const e = makeEvent("payment.authorized", propertyId, {
            reservationId: r.body.id,
            paymentId: `pay_${i}`,
            amount: r.body.total,
            currency: "EUR",
          }, { correlationId: r.body.id, now: new Date(), id: uuidv7() });
          await js.publish(subjectOf(e.type, e.propertyId), await sealEvent(e), { msgID: e.id });
        }
      };
      const clients = Promise.all([0, 1, 2, 3].map(client));
      await eventually(
        async () => {
          const [r] = await p
            .sql`select count(*)::int as n from reservations where status = 'confirmed'`;
          return r.n > 20;
        },
        20_000,
        "the worker confirming",
      );
      for (let round = 0; round < 4; round++) {
        worker.kill("SIGSTOP");
        await sleep(1500);
        worker.kill("SIGCONT");
        await sleep(300);
      }
      running = false;
      await clients;
      const slowest = Math.max(...latencies);
      assert.ok(latencies.length > 100, `${latencies.length} bookings`);
      assert.ok(slowest < 750, `a booking waited ${Math.round(slowest)} ms for the stopped worker`);
      // Every payment confirms once the worker goes on; nothing is held twice or lost.
      await eventually(
        async () => {
          const [r] = await p
            .sql`select count(*)::int as n from reservations where status = 'pending'`;
          return r.n === 0;
        },
        20_000,
        "every payment applied",
      );
      const [inv] = await p.sql<{ held: number; sold: number; nights: number }[]>`
      select (select sum(held)::int from inventory) as held,
        (select sum(sold)::int from inventory) as sold,
        (select sum((i.date_to - i.date_from) * i.quantity)::int from reservation_items i
          join reservations r on r.id = i.reservation_id where r.status = 'confirmed') as nights`;
      assert.deepEqual({ ...inv }, { held: 0, sold: inv.nights, nights: inv.nights });
      const [{ deadlocks }] = await p.sql<{ deadlocks: number }[]>`
      select deadlocks::int from pg_stat_database where datname = current_database()`;
      assert.equal(deadlocks - deadlocksBefore, 0, "deadlocks detected");
    } finally {
      worker.kill("SIGKILL");
      await worker.status;
      await p.close();
    }
  },
);
