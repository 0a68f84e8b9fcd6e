import assert from "node:assert/strict";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { eventually, integration } from "../testing/mod.ts";
import { eventKeysFrom, streamDefinitions, subjectOf, useEventKeys } from "../shared/events/mod.ts";
import { booking, seedCatalogue, testApp } from "../testing/app.ts";
import { analytics, analyticsReplay } from "../consumers/analytics/mod.ts";
import { audit, auditReplay, verifyAuditLog } from "../consumers/audit/mod.ts";
import { history, historyReplay } from "../consumers/history/mod.ts";
import { pipeline } from "../testing/pipeline.ts";
import { SNAPSHOT_EVERY_MS, snapshotTakenAt, takeSnapshot } from "../consumers/projections/mod.ts";
import { projectionsCommand } from "./projections.ts";

integration(
  "projections: rebuilt from a snapshot once events have aged out of the streams",
  async (t) => {
    const p = await pipeline([analytics, history, audit]);
    const { call } = testApp(p.sql);
    const jsm = await jetstreamManager(p.nc);
    const replays = [analyticsReplay, historyReplay, auditReplay];
    const urls = { DATABASE_URL: p.url, NATS_URL: p.natsUrl };
    const run = async (...args: string[]) => {
      const out: string[] = [];
      const code = await projectionsCommand(args, urls, (l) => out.push(l));
      return { code, out: out.join("\n") };
    };
    try {
      const { propertyId, roomId } = await seedCatalogue(call);
      let n = 0;
      const book = async (from: string, to: string) => {
        const body = booking(propertyId, [{ resourceId: roomId, from, to }]);
        const r = await call("POST", "/v1/reservations", body, { "idempotency-key": `k${++n}` });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        return r.body.id as string;
      };
      /** Until every service has applied every event of the outbox it consumes. */
      const applied = () =>
        eventually(
          async () => {
            for (const s of [analytics, history, audit]) {
              const [{ want }] = await p.sql`
            select count(*)::int as want from outbox where type = any(${s.events}::text[])`;
              const [{ got }] = await p.sql`
            select count(*)::int as got from consumer_inbox where service = ${s.name}`;
              if (got !== want) return false;
            }
            return true;
          },
          10_000,
          "every event applied",
        );
      /** What the streams hold now ages out (JetStream's max_age removes it the same way). */
      const ageOut = async () => {
        for (const def of streamDefinitions) await jsm.streams.purge(def.name);
      };

      await book("2030-06-01", "2030-06-03");
      const cancelled = await book("2030-06-02", "2030-06-04");
      assert.equal((await call("POST", `/v1/reservations/${cancelled}/cancel`)).status, 200);
      await applied();
      await ageOut();

      await t.step(
        "no snapshot covers what aged out: the rebuild refuses, nothing changes",
        async () => {
          for (const proj of replays) {
            const before = await proj.rows(p.sql);
            const r = await run("rebuild", proj.name);
            assert.equal(r.code, 1, r.out);
            assert.match(r.out, /no longer hold/);
            assert.deepEqual(await proj.rows(p.sql), before, proj.name);
          }
        },
      );

      await t.step("a snapshot and the events since rebuild each projection", async () => {
        for (const proj of replays) {
          const r = await run("snapshot", proj.name);
          assert.equal(r.code, 0, r.out);
        }
        await book("2030-06-03", "2030-06-05");
        const later = await book("2030-06-04", "2030-06-06");
        assert.equal((await call("POST", `/v1/reservations/${later}/cancel`)).status, 200);
        await applied();
        for (const proj of replays) {
          const before = await proj.rows(p.sql);
          if (proj.name === "analytics") await p.sql`delete from analytics.kpi_daily`;
          if (proj.name === "history") await p.sql`update history.user_reservations set total = 1`;
          if (proj.name === "audit") await p.sql`delete from audit.audit_log`;
          const r = await run("rebuild", proj.name);
          assert.equal(r.code, 0, r.out);
          assert.match(r.out, /from the snapshot of/);
          assert.deepEqual(await proj.rows(p.sql), before, proj.name);
        }
        assert.equal((await verifyAuditLog(p.sql)).broken, null);
      });

      await t.step("events since the snapshot aged out too: the rebuild refuses", async () => {
        await ageOut();
        const r = await run("rebuild", "history");
        assert.equal(r.code, 1, r.out);
        assert.match(r.out, /no longer hold \d+ event/);
      });

      await t.step(
        "the workers' daily snapshot: a day after the last one, not before",
        async () => {
          const last = (await snapshotTakenAt(p.sql, historyReplay))!;
          const soon = new Date(last.getTime() + SNAPSHOT_EVERY_MS - 60_000);
          const ifOlderThanMs = SNAPSHOT_EVERY_MS;
          assert.equal(await takeSnapshot(p.sql, historyReplay, soon, { ifOlderThanMs }), false);
          const due = new Date(last.getTime() + SNAPSHOT_EVERY_MS);
          assert.equal(await takeSnapshot(p.sql, historyReplay, due, { ifOlderThanMs }), true);
          assert.deepEqual(await snapshotTakenAt(p.sql, historyReplay), due);
          // It holds what aged out, so the rebuild goes again.
          assert.equal((await run("rebuild", "history")).code, 0);
        },
      );
    } finally {
      await p.close();
    }
  },
);

integration(
  "projections: a stored reservation.created v1, signed with an earlier key, still replays",
  async () => {
    // As a stream kept it from before v2 (guest and payment token in it), signed with a key
    // that no longer signs but is still accepted.
    const fixture = JSON.parse(
      await Deno.readTextFile(new URL("./testdata/reservation_created_v1.json", import.meta.url)),
    );
    useEventKeys(
      await eventKeysFrom({ ...Deno.env.toObject(), BERTH_EVENT_PUBLIC_KEYS: fixture.publicKey }),
    );
    const p = await pipeline([history]);
    const urls = { DATABASE_URL: p.url, NATS_URL: p.natsUrl };
    try {
      const e = fixture.event;
      await jetstream(p.nc).publish(subjectOf(e.type, e.propertyId), JSON.stringify(e), {
        msgID: e.id,
      });
      const row = async () => {
        const rows = await p.sql`
          select user_id, confirmation_number, status, total::int, currency, date_from::text,
            date_to::text, items
          from history.user_reservations where reservation_id = ${e.data.reservationId}`;
        return rows.map((r) => ({ ...r }));
      };
      const expected = [{
        user_id: "u_fixture",
        confirmation_number: "RSV-2026-000001",
        status: "pending",
        total: 24000,
        currency: "EUR",
        date_from: "2026-02-01",
        date_to: "2026-02-03",
        items: e.data.items,
      }];
      // The live service reads it as v2 ...
      await eventually(async () => (await row()).length === 1, 10_000, "applied live");
      assert.deepEqual(await row(), expected);
      // ... and so does a rebuild from the stream.
      await p.sql`delete from history.user_reservations`;
      const out: string[] = [];
      assert.equal(await projectionsCommand(["rebuild", "history"], urls, (l) => out.push(l)), 0);
      assert.match(out.join("\n"), /history: rebuilt from 1 events/);
      assert.deepEqual(await row(), expected);
    } finally {
      await p.close();
    }
  },
);
