import assert from "node:assert/strict";
import { eventually, integration, testDatabase } from "../../testing/mod.ts";
import { changeStatus } from "../../shared/booking/mod.ts";
import { booking, seedCatalogue, testApp, TestClock } from "../../testing/app.ts";

integration(
  "idempotent changes: cancel, check-in, check-out and PATCH take an Idempotency-Key",
  async (t) => {
    const db = await testDatabase();
    const clock = new TestClock();
    const { call } = testApp(db.sql, { clock });
    const { propertyId, roomId } = await seedCatalogue(call);
    const book = async (from: string, to: string) => {
      const r = await call(
        "POST",
        "/v1/reservations",
        booking(propertyId, [{ resourceId: roomId, from, to }]),
        { "idempotency-key": crypto.randomUUID() },
      );
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.id as string;
    };
    /** The events of one type the outbox holds for a reservation. */
    const events = async (id: string, type: string) =>
      (await db.sql`
      select count(*)::int as n from outbox
      where type = ${type} and payload::jsonb->'data'->>'reservationId' = ${id}`)[0].n;
    /** Sends `method path body` twice with `key`: the same answer both times, the second replayed. */
    const twice = async (
      method: string,
      path: string,
      body: unknown,
      key: string,
      status = 200,
    ) => {
      const a = await call(method, path, body, { "idempotency-key": key });
      const b = await call(method, path, body, { "idempotency-key": key });
      assert.equal(a.status, status, JSON.stringify(a.body));
      assert.equal(a.headers.get("idempotent-replayed"), null);
      assert.equal(b.status, status, JSON.stringify(b.body));
      assert.equal(b.headers.get("idempotent-replayed"), "true");
      assert.deepEqual(b.body, a.body);
      return a.body;
    };
    try {
      await t.step("cancel twice with one key: the same 200, one cancellation", async () => {
        const id = await book("2030-06-01", "2030-06-02");
        const view = await twice("POST", `/v1/reservations/${id}/cancel`, { reason: "ill" }, "c1");
        assert.equal(view.status, "cancelled");
        assert.equal(await events(id, "reservation.cancelled"), 1);
      });

      await t.step("the key with another body or route: 409 idempotency_conflict", async () => {
        const id = await book("2030-06-02", "2030-06-03");
        const other = await book("2030-06-02", "2030-06-03");
        for (
          const [method, path, body] of [
            ["POST", `/v1/reservations/${id}/cancel`, { reason: "other" }],
            ["POST", `/v1/reservations/${id}/cancel`, undefined],
            ["POST", `/v1/reservations/${other}/cancel`, { reason: "ill" }],
            ["PATCH", `/v1/reservations/${id}`, {
              items: [{ resourceId: roomId, from: "2030-06-03", to: "2030-06-04" }],
            }],
            [
              "POST",
              "/v1/reservations",
              booking(propertyId, [{ resourceId: roomId, from: "2030-06-02", to: "2030-06-03" }]),
            ],
          ] as const
        ) {
          const r = await call(method, path, body, { "idempotency-key": "c1" });
          assert.equal(r.status, 409, `${method} ${path}: ${JSON.stringify(r.body)}`);
          assert.equal(r.body.code, "idempotency_conflict");
        }
        assert.equal((await call("GET", `/v1/reservations/${id}`)).body.status, "pending");
        assert.equal((await call("GET", `/v1/reservations/${other}`)).body.status, "pending");
      });

      await t.step("without a key the second cancel is still 409 invalid_transition", async () => {
        const path = `/v1/reservations/${await book("2030-06-03", "2030-06-04")}/cancel`;
        assert.equal((await call("POST", path)).status, 200);
        const again = await call("POST", path);
        assert.equal(again.status, 409);
        assert.equal(again.body.code, "invalid_transition");
      });

      await t.step("a malformed key is 400", async () => {
        const path = `/v1/reservations/${await book("2030-06-03", "2030-06-04")}/cancel`;
        const r = await call("POST", path, undefined, { "idempotency-key": "two words" });
        assert.equal(r.status, 400);
        assert.equal(r.body.errors[0].path, "Idempotency-Key");
      });

      await t.step("PATCH, check-in and check-out replay their first answer", async () => {
        const id = await book("2030-06-04", "2030-06-05");
        const path = `/v1/reservations/${id}`;
        // One night moved: the same total, so the change is made at once (200).
        const items = [{ resourceId: roomId, from: "2030-06-05", to: "2030-06-06" }];
        const modified = await twice("PATCH", path, { items }, "m1");
        assert.equal(modified.items[0].from, "2030-06-05");
        assert.equal(await events(id, "reservation.modified"), 1);
        await changeStatus(db.sql, id, "confirm", {
          now: clock.now(),
          correlationId: "test",
          paymentId: "pay_test",
        });
        clock.t = Date.parse("2030-06-05T10:00:00Z"); // the arrival day in Amsterdam
        assert.equal(
          (await twice("POST", `${path}/check-in`, undefined, "in1")).status,
          "checked_in",
        );
        assert.equal(await events(id, "reservation.checked_in"), 1);
        assert.equal((await twice("POST", `${path}/check-out`, {}, "out1")).status, "checked_out");
        assert.equal(await events(id, "reservation.checked_out"), 1);
        clock.t = Date.now();
      });

      await t.step("a dearer PATCH replays its 202: one change waits for its payment", async () => {
        const id = await book("2030-06-02", "2030-06-03");
        const items = [{ resourceId: roomId, from: "2030-06-02", to: "2030-06-04" }];
        const waiting = await twice("PATCH", `/v1/reservations/${id}`, { items }, "m2", 202);
        assert.equal(waiting.pendingModification.total, 2 * 12000);
        assert.equal(await events(id, "reservation.modification_requested"), 1);
      });

      await t.step("concurrent retries of one key make one cancellation", async () => {
        const id = await book("2030-06-06", "2030-06-07");
        const rs = await Promise.all(
          Array.from(
            { length: 10 },
            () =>
              call("POST", `/v1/reservations/${id}/cancel`, undefined, {
                "idempotency-key": "burst",
              }),
          ),
        );
        assert.deepEqual(
          [...new Set(rs.map((r) => r.status))],
          [200],
          JSON.stringify(rs.map((r) => r.body)),
        );
        for (const r of rs) assert.deepEqual(r.body, rs[0].body);
        assert.equal(await events(id, "reservation.cancelled"), 1);
      });

      await t.step("a cancel that committed after its 504 replays its 200 on retry", async () => {
        const id = await book("2030-06-07", "2030-06-08");
        const path = `/v1/reservations/${id}/cancel`;
        const impatient = testApp(db.sql, { clock, env: { BERTH_REQUEST_TIMEOUT_MS: "100" } });
        // Another transaction holds the reservation's row, so the cancel outlasts the timeout.
        const blocker = await db.sql.reserve();
        try {
          await blocker`begin`;
          await blocker`select 1 from reservations where id = ${id} for update`;
          const first = await impatient.call("POST", path, { reason: "ill" }, {
            "idempotency-key": "late",
          });
          assert.equal(first.status, 504, JSON.stringify(first.body));
          await blocker`commit`;
        } finally {
          blocker.release();
        }
        await eventually(
          async () => (await call("GET", `/v1/reservations/${id}`)).body.status === "cancelled",
          5000,
          "the cancel commits after its 504",
        );
        const retry = await call("POST", path, { reason: "ill" }, { "idempotency-key": "late" });
        assert.equal(retry.status, 200, JSON.stringify(retry.body));
        assert.equal(retry.headers.get("idempotent-replayed"), "true");
        assert.equal(retry.body.status, "cancelled");
        assert.equal(await events(id, "reservation.cancelled"), 1);
      });
    } finally {
      await db.drop();
    }
  },
);
