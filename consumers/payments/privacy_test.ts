import assert from "node:assert/strict";
import { jetstreamManager } from "@nats-io/jetstream";
import { eventually, integration } from "../../testing/mod.ts";
import { streamDefinitions } from "../../shared/events/mod.ts";
import { booking } from "../../testing/app.ts";
import { fresh, sagaPlatform } from "./testdata/saga.ts";

integration(
  "privacy: no payment token or guest contact in any stream; payments still authorizes",
  async () => {
    const p = await sagaPlatform();
    try {
      const { propertyId, roomId } = await p.seed();
      const token = "tok_ok_secret_4242";
      const body = {
        ...booking(
          propertyId,
          [{ resourceId: roomId, from: "2030-06-01", to: "2030-06-03" }],
          token,
        ),
        guest: { name: "Grace Hopper", email: "grace.hopper@example.com" },
      };
      const r = await p.call("POST", "/v1/reservations", body, fresh());
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const id = r.body.id as string;
      await eventually(
        async () => (await p.call("GET", `/v1/reservations/${id}`)).body.status === "confirmed",
        5000,
        "confirmed",
      );
      const [pay] = await p.sql`
      select status, authorized::int from payments.payments where reservation_id = ${id}`;
      assert.deepEqual({ ...pay }, { status: "authorized", authorized: 24000 });

      // Every message every stream holds, as stored, once the saga's events are all in.
      const jsm = await jetstreamManager(p.nc);
      const stored = await eventually(
        async () => {
          const texts: string[] = [];
          for (const def of streamDefinitions) {
            const { state } = await jsm.streams.info(def.name);
            for (let seq = Math.max(1, state.first_seq); seq <= state.last_seq; seq++) {
              const m = await jsm.streams.getMessage(def.name, { seq });
              if (m) texts.push(m.string());
            }
          }
          return texts.some((t) => t.includes('"reservation.confirmed"')) ? texts : null;
        },
        5000,
        "the saga's events in the streams",
      );
      const created = stored.map((t) => JSON.parse(t)).find((e) =>
        e.type === "reservation.created" && e.data.reservationId === id
      );
      assert.ok(created, "reservation.created is in the stream");
      for (const secret of [token, "Grace Hopper", "grace.hopper@example.com"]) {
        assert.deepEqual(stored.filter((t) => t.includes(secret)), [], `${secret} in a stream`);
      }
    } finally {
      await p.close();
    }
  },
);
