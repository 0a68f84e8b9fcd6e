import assert from "node:assert/strict";
import { eventually, integration } from "../../testing/mod.ts";
import { changeStatus } from "../../shared/booking/mod.ts";
import { booking, seedCatalogue, testApp, TestClock } from "../../testing/app.ts";
import { analytics, analyticsReplay } from "./mod.ts";
import { audit, auditReplay, verifyAuditLog } from "../audit/mod.ts";
import { history, historyReplay } from "../history/mod.ts";
import { auditCommand } from "../../cli/audit.ts";
import { projectionsCommand } from "../../cli/projections.ts";
import { pipeline } from "../../testing/pipeline.ts";

const DAY1 = Date.parse("2030-05-20T10:00:00Z");
const DAY = 86_400_000;

integration("analytics, history, audit and replay over real Postgres and NATS", async (t) => {
  const p = await pipeline([analytics, history, audit]);
  const clock = new TestClock(DAY1);
  const { call } = testApp(p.sql, { clock });
  try {
    const { propertyId: pid, roomId, showId } = await seedCatalogue(call);
    let n = 0;
    const book = async (items: unknown[], userId = "ada") => {
      const r = await call("POST", "/v1/reservations", { ...booking(pid, items), userId }, {
        "idempotency-key": `k${++n}`,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body as { id: string; total: number; confirmationNumber: string };
    };
    const confirm = (id: string) =>
      changeStatus(p.sql, id, "confirm", { now: clock.now(), correlationId: "t", paymentId: "x" });
    const pay = (type: "payment.authorized" | "payment.failed", reservationId: string) =>
      type === "payment.authorized"
        ? p.publish(
          type,
          pid,
          { reservationId, paymentId: "x", amount: 1, currency: "EUR" },
          clock.now(),
        )
        : p.publish(type, pid, { reservationId, reason: "declined", currency: "EUR" }, clock.now());

    // Day 1 (2030-05-20): A, B, C, D booked; A, B, C confirmed and paid; D declined, pending.
    const a = await book([{
      resourceId: roomId,
      from: "2030-06-01",
      to: "2030-06-03",
      quantity: 2,
    }]);
    const b = await book([{ resourceId: roomId, from: "2030-06-02", to: "2030-06-03" }]);
    const c = await book([{
      resourceId: showId,
      from: "2030-06-01",
      to: "2030-06-02",
      seats: ["A1", "A2"],
    }], "bob");
    const d = await book([{ resourceId: roomId, from: "2030-06-01", to: "2030-06-02" }]);
    for (const r of [a, b, c]) {
      await confirm(r.id);
      await pay("payment.authorized", r.id);
    }
    await pay("payment.failed", d.id);
    // Day 2 (2030-05-21): E booked, confirmed and paid; B cancelled.
    clock.advance(DAY);
    const e = await book([{ resourceId: roomId, from: "2030-06-02", to: "2030-06-04" }]);
    await confirm(e.id);
    await pay("payment.authorized", e.id);
    assert.equal((await call("POST", `/v1/reservations/${b.id}/cancel`)).status, 200);

    await t.step("KPIs equal the values computed by hand", async () => {
      // capacity per date: 10 rooms + 4 seats = 14 units
      const want = [
        // booking days: bookings, cancellations, payment success %, lead time (days)
        { date: "2030-05-20", bookings: 4, cancellations: 0, pay: 75, lead: 12.25 },
        { date: "2030-05-21", bookings: 1, cancellations: 1, pay: 100, lead: 12 },
      ];
      const stay = [
        // 06-01: A 2 rooms (24000) + C 2 seats (9000); D pending is not sold
        { date: "2030-06-01", sold: 4, revenue: 33000, occ: 28.57, adr: 8250, revpar: 2357 },
        // 06-02: A 2 rooms + E 1 room; B cancelled
        { date: "2030-06-02", sold: 3, revenue: 36000, occ: 21.43, adr: 12000, revpar: 2571 },
        { date: "2030-06-03", sold: 1, revenue: 12000, occ: 7.14, adr: 12000, revpar: 857 },
        { date: "2030-06-04", sold: 0, revenue: 0, occ: 0, adr: null, revpar: 0 },
      ];
      const path = `/v1/properties/${pid}/kpis?from=2030-05-20&to=2030-06-05`;
      await eventually(
        async () => {
          const r = await call("GET", path);
          assert.equal(r.status, 200, JSON.stringify(r.body));
          // deno-lint-ignore no-explicit-any
          const byDate = new Map<string, any>(r.body.days.map((x: any) => [x.date, x]));
          assert.equal(r.body.days.length, 16);
          for (const w of want) {
            const got = byDate.get(w.date);
            assert.deepEqual(
              [
                got.bookings,
                got.cancellations,
                got.paymentSuccessRatePercent,
                got.averageLeadTimeDays,
              ],
              [w.bookings, w.cancellations, w.pay, w.lead],
            );
            assert.equal(got.occupancyPercent, null); // no capacity on a booking day
          }
          for (const s of stay) {
            const got = byDate.get(s.date);
            assert.deepEqual(
              [
                got.unitsSold,
                got.unitsAvailable,
                got.revenue,
                got.occupancyPercent,
                got.adr,
                got.revpar,
              ],
              [s.sold, 14, s.revenue, s.occ, s.adr, s.revpar],
            );
          }
          return true;
        },
        20_000,
        "KPIs",
      );
    });

    await t.step("booking history per user, client keys see only their own", async () => {
      const r = await eventually(
        async () => {
          const r = await call("GET", "/v1/users/ada/reservations");
          return r.body.items?.length === 4 && r.body.items.some((x: { status: string }) =>
            x.status === "cancelled"
          ) && r;
        },
        20_000,
        "history",
      );
      const byId = new Map(r.body.items.map((x: { id: string }) => [x.id, x]));
      assert.deepEqual(byId.get(b.id), {
        ...(byId.get(b.id) as object),
        status: "cancelled",
        confirmationNumber: b.confirmationNumber,
        from: "2030-06-02",
        to: "2030-06-03",
        total: 12000,
        currency: "EUR",
      });
      assert.equal((byId.get(e.id) as { status: string }).status, "confirmed");
      assert.equal((byId.get(d.id) as { status: string }).status, "pending");
      const key = await call("POST", "/v1/api-keys", { name: "channel", role: "client" });
      assert.equal(key.status, 201, JSON.stringify(key.body));
      const mine = await call("GET", "/v1/users/ada/reservations", undefined, {}, key.body.key);
      assert.equal(mine.status, 200);
      assert.deepEqual(mine.body.items, []);
    });

    await t.step("every event is audited; per reservation over the API", async () => {
      const [{ count }] = await p.sql<{ count: number }[]>`select count(*)::int from outbox`;
      await eventually(
        async () => {
          const [{ n }] = await p.sql<
            { n: number }[]
          >`select count(*)::int as n from audit.audit_log`;
          return n === count;
        },
        20_000,
        "audit complete",
      );
      const r = await call("GET", `/v1/audit?reservationId=${b.id}`);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.items.map((x: { type: string }) => x.type).sort(), [
        "payment.authorized",
        "reservation.cancelled",
        "reservation.confirmed",
        "reservation.created",
      ]);
      const out: string[] = [];
      const code = await auditCommand(["verify"], { DATABASE_URL: p.url }, (l) => out.push(l));
      assert.equal(code, 0, out.join("\n"));
      assert.match(out[0], /intact/);
    });

    await t.step("a rebuilt projection equals the live one", async () => {
      for (const proj of [analyticsReplay, historyReplay, auditReplay]) {
        const before = await proj.rows(p.sql);
        // damage the live projection; the rebuild repairs it
        if (proj.name === "analytics") await p.sql`delete from analytics.kpi_daily`;
        if (proj.name === "history") await p.sql`update history.user_reservations set total = 1`;
        const out: string[] = [];
        const code = await projectionsCommand(
          ["rebuild", proj.name],
          { DATABASE_URL: p.url, NATS_URL: p.natsUrl },
          (l) => out.push(l),
        );
        assert.equal(code, 0, out.join("\n"));
        assert.deepEqual(await proj.rows(p.sql), before, proj.name);
      }
      assert.equal((await verifyAuditLog(p.sql)).broken, null);
    });

    await t.step("an altered audit row is found by verify", async () => {
      const [row] = await p.sql<{ id: string }[]>`
        select id::text from audit.audit_log order by id offset 3 limit 1`;
      await p.sql`update audit.audit_log set event = event || ' ' where id = ${row.id}::bigint`;
      const out: string[] = [];
      assert.equal(await auditCommand(["verify"], { DATABASE_URL: p.url }, (l) => out.push(l)), 1);
      assert.match(out[0], new RegExp(`broken at entry ${row.id} `));
      const r = await verifyAuditLog(p.sql);
      assert.equal(r.broken?.id, Number(row.id));
    });
  } finally {
    await p.close();
  }
});
