import assert from "node:assert/strict";
import { eventually, integration } from "../../testing/mod.ts";
import { booking } from "../../testing/app.ts";
import { fresh, sagaPlatform } from "./testdata/saga.ts";

integration(
  "payments: a modification's new total is authorized, declined or given back",
  async (t) => {
    const p = await sagaPlatform();
    try {
      const { propertyId, roomId, showId } = await p.seed();
      const room = (from: string, to: string) => [{ resourceId: roomId, from, to, quantity: 1 }];
      const reservation = async (id: string) =>
        (await p.call("GET", `/v1/reservations/${id}`)).body;
      const bookConfirmed = async (items: unknown[], token: string) => {
        const r = await p.call(
          "POST",
          "/v1/reservations",
          booking(propertyId, items, token),
          fresh(),
        );
        assert.equal(r.status, 201, JSON.stringify(r.body));
        await eventually(async () => (await reservation(r.body.id)).status === "confirmed", 5000);
        return r.body.id as string;
      };
      const payment = async (id: string) =>
        (await p.sql`
        select status, amount::int, authorized::int, captured::int, refunded::int, voided::int
        from payments.payments where reservation_id = ${id}`)[0];
      const movements = async (id: string) =>
        (await p.sql`
        select kind, amount::int from payments.movements where reservation_id = ${id}
        order by id`).map((m) => [m.kind, m.amount]);
      const events = async (id: string) =>
        (await p.sql`
        select type, payload from outbox
        where payload::jsonb -> 'data' ->> 'reservationId' = ${id} order by seq`)
          .map((r) => ({ type: r.type as string, data: JSON.parse(r.payload).data }));
      const inventory = async (from: string, to: string) =>
        (await p.sql`
        select date::text, held, sold from inventory
        where resource_id = ${roomId} and date >= ${from} and date < ${to} order by date`)
          .map((r) => [r.date, r.held, r.sold]);
      // deno-lint-ignore no-explicit-any -- a reservation as the api answers it
      const settled = (id: string, what: string, check: (r: any) => boolean) =>
        eventually(
          async () => {
            const r = await reservation(id);
            return check(r) ? r : null;
          },
          5000,
          what,
        );

      await t.step("raised: the difference is authorized, then the change stands", async () => {
        const id = await bookConfirmed(room("2030-06-01", "2030-06-03"), "tok_ok_raise");
        const patched = await p.call("PATCH", `/v1/reservations/${id}`, {
          items: room("2030-06-01", "2030-06-05"),
        });
        // Accepted, not yet done: the booking stands as it was until the card says yes.
        assert.equal(patched.status, 202, JSON.stringify(patched.body));
        assert.equal(patched.body.total, 24000);
        assert.equal(patched.body.pendingModification.total, 48000);
        const done = await settled(
          id,
          "modified",
          (r) => r.total === 48000 && !r.pendingModification,
        );
        assert.equal(done.status, "confirmed");
        assert.deepEqual(
          done.items.map((i: { to: string }) => i.to),
          ["2030-06-05"],
        );
        assert.deepEqual(
          done.history.map((h: { reason: string }) => h.reason).slice(-2),
          ["modification requested: 24000 to 48000, awaiting payment", "modified: 24000 to 48000"],
        );
        const pay = await eventually(
          async () => {
            const x = await payment(id);
            return x.amount === 48000 ? x : null;
          },
          5000,
          "payment follows",
        );
        assert.deepEqual({ ...pay }, {
          status: "authorized",
          amount: 48000,
          authorized: 48000,
          captured: 0,
          refunded: 0,
          voided: 0,
        });
        assert.deepEqual(await movements(id), [["authorize", 24000], ["authorize", 24000]]);
        const sim = await p.simulator.payment(`pay_${id.replaceAll("-", "")}`);
        assert.equal(sim?.authorized, 48000);
        const seen = await events(id);
        const requested = seen.find((e) => e.type === "reservation.modification_requested")!;
        assert.equal(requested.data.total, 48000);
        const authorized = seen.filter((e) => e.type === "payment.authorized").at(-1)!;
        assert.equal(authorized.data.amount, 24000);
        assert.equal(authorized.data.modificationId, requested.data.modificationId);
        assert.deepEqual(seen.map((e) => e.type), [
          "reservation.created",
          "payment.authorized",
          "reservation.confirmed",
          "reservation.modification_requested",
          "payment.authorized",
          "reservation.modified",
        ]);
        assert.deepEqual(await inventory("2030-06-01", "2030-06-05"), [
          ["2030-06-01", 0, 1],
          ["2030-06-02", 0, 1],
          ["2030-06-03", 0, 1],
          ["2030-06-04", 0, 1],
        ]);
      });

      await t.step(
        "raised and declined: the change is refused, the booking as it was",
        async () => {
          // This card authorizes up to 300.00 in all: the first two nights, not four.
          const id = await bookConfirmed(room("2030-06-05", "2030-06-07"), "tok_ok_limit30000");
          const patched = await p.call("PATCH", `/v1/reservations/${id}`, {
            items: room("2030-06-04", "2030-06-08"),
          });
          assert.equal(patched.status, 202, JSON.stringify(patched.body));
          const back = await settled(id, "declined", (r) => !r.pendingModification);
          assert.equal(back.status, "confirmed");
          assert.equal(back.total, 24000);
          assert.deepEqual(back.items.map((i: { from: string; to: string }) => [i.from, i.to]), [
            ["2030-06-05", "2030-06-07"],
          ]);
          assert.equal(back.history.at(-1).reason, "modification declined: insufficient_funds");
          // Its own two nights are sold, the ones it asked for free again (06-04: the first step).
          assert.deepEqual(await inventory("2030-06-04", "2030-06-08"), [
            ["2030-06-04", 0, 1],
            ["2030-06-05", 0, 1],
            ["2030-06-06", 0, 1],
            ["2030-06-07", 0, 0],
          ]);
          const pay = await payment(id);
          assert.deepEqual([pay.status, pay.amount, pay.authorized], ["authorized", 24000, 24000]);
          const seen = await events(id);
          const failed = seen.find((e) => e.type === "payment.failed")!;
          assert.equal(failed.data.reason, "insufficient_funds");
          const declined = seen.find((e) => e.type === "reservation.modification_declined")!;
          assert.equal(declined.data.modificationId, failed.data.modificationId);
          assert.equal(declined.data.total, 24000);
          assert.equal(declined.data.requestedTotal, 48000);
          assert.equal(seen.some((e) => e.type === "reservation.modified"), false);
        },
      );

      await t.step("lowered before capture: the difference is released (voided)", async () => {
        const id = await bookConfirmed(room("2030-06-01", "2030-06-04"), "tok_ok_lower");
        const patched = await p.call("PATCH", `/v1/reservations/${id}`, {
          items: room("2030-06-01", "2030-06-02"),
        });
        assert.equal(patched.status, 200, JSON.stringify(patched.body));
        assert.equal(patched.body.total, 12000);
        const pay = await eventually(
          async () => {
            const x = await payment(id);
            return x.voided > 0 ? x : null;
          },
          5000,
          "void",
        );
        assert.deepEqual({ ...pay }, {
          status: "authorized",
          amount: 12000,
          authorized: 36000,
          captured: 0,
          refunded: 0,
          voided: 24000,
        });
        const refunded = (await events(id)).find((e) => e.type === "payment.refunded")!;
        assert.equal(refunded.data.amount, 24000);
        assert.match(refunded.data.reason, /^void: reservation modified/);
        // Checked out, it captures the new total only.
        const today = p.clock.t;
        p.clock.t = Date.parse("2030-06-01T10:00:00Z"); // the arrival day at the hotel
        for (const step of ["check-in", "check-out"]) {
          assert.equal((await p.call("POST", `/v1/reservations/${id}/${step}`)).status, 200);
        }
        p.clock.t = today;
        const captured = await eventually(
          async () => {
            const x = await payment(id);
            return x.status === "captured" ? x : null;
          },
          5000,
          "capture",
        );
        assert.equal(captured.captured, 12000);
        const sim = await p.simulator.payment(`pay_${id.replaceAll("-", "")}`);
        assert.deepEqual([sim?.authorized, sim?.captured, sim?.voided], [36000, 12000, 24000]);
      });

      await t.step("lowered after capture: the difference is refunded", async () => {
        const seats = (s: string[]) => [
          { resourceId: showId, from: "2030-06-03", to: "2030-06-04", seats: s },
        ];
        const id = await bookConfirmed(seats(["A1", "A2"]), "tok_ok_seats");
        await eventually(async () => (await payment(id)).status === "captured", 5000, "captured");
        const patched = await p.call("PATCH", `/v1/reservations/${id}`, { items: seats(["A1"]) });
        assert.equal(patched.status, 200, JSON.stringify(patched.body));
        const pay = await eventually(
          async () => {
            const x = await payment(id);
            return x.refunded > 0 ? x : null;
          },
          5000,
          "refund",
        );
        assert.deepEqual([pay.status, pay.amount, pay.captured, pay.refunded], [
          "refunded",
          4500,
          9000,
          4500,
        ]);
        assert.deepEqual(await movements(id), [["authorize", 9000], ["capture", 9000], [
          "refund",
          4500,
        ]]);
      });
    } finally {
      await p.close();
    }
  },
);
