import assert from "node:assert/strict";
import { eventually, integration } from "../../testing/mod.ts";
import { sweepOnce } from "../../shared/booking/mod.ts";
import { notificationsPlatform, WEBHOOK_TIMEOUT_MS } from "./testdata/platform.ts";

const T = 20_000;

function script(path: string, n: number): number | "hang" {
  if (path === "/flaky") return n <= 2 ? 500 : 200;
  if (path === "/gone") return 410;
  if (path === "/hang") return "hang";
  return 200;
}

integration(
  "notifications: e-mails over SMTP, signed webhooks, retries, 410, timeouts",
  async (t) => {
    const p = await notificationsPlatform(script);
    // deno-lint-ignore no-explicit-any -- events read back from the outbox
    const noteFor = async (eventId: string, channel: string): Promise<any> =>
      (await p.notes()).find((e) => e.causationId === eventId && e.data.channel === channel);
    const eventOf = async (reservationId: string, type: string) => {
      const [row] = await p.sql<{ id: string }[]>`
      select id::text from outbox
      where type = ${type} and payload::jsonb -> 'data' ->> 'reservationId' = ${reservationId}`;
      return row?.id;
    };
    const mailTo = (address: string, subject: RegExp) =>
      eventually(
        () =>
          Promise.resolve(
            p.smtp.mails.find((m) => m.to.includes(address) && subject.test(m.subject)),
          ),
        T,
        `mail to ${address} ${subject}`,
      );
    try {
      const a = await p.seed();
      const ok = await p.register(a.propertyId, "/ok", [
        "reservation.confirmed",
        "reservation.cancelled",
      ]);

      await t.step("confirmed: the guest's e-mail names the confirmation number", async () => {
        const r = await p.book(a.propertyId, a.roomId, "ada@example.com", "tok_ok_visa");
        const mail = await mailTo("ada@example.com", /is confirmed/);
        assert.match(mail.subject, new RegExp(r.confirmationNumber));
        assert.match(mail.text, new RegExp(`confirmation number is ${r.confirmationNumber}`));
        assert.match(mail.raw, /^From: berth <bookings@berth\.test>/m);
        const confirmed = await eventOf(r.id, "reservation.confirmed");
        const note = await eventually(() => noteFor(confirmed, "email"), T, "notification.sent");
        assert.equal(note.type, "notification.sent");
        // The event names the delivery, not the guest's address.
        const [delivery] = await p.sql<{ id: string }[]>`
          select id::text from notifications.deliveries
          where event_id = ${confirmed} and channel = 'email'`;
        assert.deepEqual(note.data, {
          channel: "email",
          target: delivery.id,
          eventId: confirmed,
          eventType: "reservation.confirmed",
          attempts: 1,
        });
      });

      await t.step("confirmed: the webhook arrives signed; the receiver verifies it", async () => {
        const hook = await eventually(
          () => Promise.resolve(p.receiver.received.find((h) => h.path === "/ok")),
          T,
          "webhook",
        );
        assert.equal(hook.signatureOk, true, `signature: ${hook.problem}`);
        assert.match(hook.headers.get("berth-signature")!, /^t=\d+,v1=[0-9a-f]{64}$/);
        assert.equal(hook.eventType, "reservation.confirmed");
        assert.equal(hook.body.type, "reservation.confirmed");
        assert.equal(hook.body.id, hook.eventId);
        // The envelope as docs/notifications.md lists it, without berth's own signature.
        assert.deepEqual(Object.keys(hook.body).sort(), [
          "causationId",
          "correlationId",
          "data",
          "id",
          "occurredAt",
          "propertyId",
          "type",
          "version",
        ]);
        assert.equal(hook.attempt, 1);
        assert.match(hook.body.data.confirmationNumber, /^RSV-\d{4}-\d{6}$/);
        const note = await eventually(() => noteFor(hook.eventId!, "webhook"), T, "webhook note");
        assert.equal(note.type, "notification.sent");
        assert.equal(note.data.target, ok.id);
        const log = await p.call("GET", `/v1/webhooks/${ok.id}/deliveries`);
        assert.equal(log.status, 200);
        assert.equal(log.body.items[0].status, "sent");
        assert.equal(log.body.items[0].log[0].statusCode, 200);
      });

      await t.step("cancelled: e-mail and webhook", async () => {
        const r = await p.book(a.propertyId, a.roomId, "grace@example.com", "tok_ok_visa");
        await mailTo("grace@example.com", /is confirmed/);
        const c = await p.call("POST", `/v1/reservations/${r.id}/cancel`, {
          reason: "plans changed",
        });
        assert.equal(c.status, 200, JSON.stringify(c.body));
        const mail = await mailTo("grace@example.com", /is cancelled/);
        assert.match(mail.subject, new RegExp(r.confirmationNumber));
        assert.match(mail.text, /plans changed/);
        await eventually(
          () =>
            Promise.resolve(
              p.receiver.received.find((h) =>
                h.eventType === "reservation.cancelled" && h.body.data.reservationId === r.id
              ),
            ),
          T,
          "cancelled webhook",
        );
      });

      await t.step("failed (payment declined) and expired (hold ran out): e-mails", async () => {
        const failed = await p.book(a.propertyId, a.roomId, "linus@example.com", "tok_decline_x");
        const fm = await mailTo("linus@example.com", /could not be completed/);
        assert.match(fm.subject, new RegExp(failed.confirmationNumber));
        const slow = await p.book(a.propertyId, a.roomId, "barbara@example.com", "tok_slow_x");
        await sweepOnce(p.sql, new Date(Date.now() + 24 * 3600_000));
        const em = await mailTo("barbara@example.com", /has expired/);
        assert.match(em.subject, new RegExp(slow.confirmationNumber));
      });

      await t.step(
        "SMTP: a 451 is retried, a 550 fails at once; every attempt is logged",
        async () => {
          p.smtp.refuse("retry@example.com", 451, 1);
          p.smtp.refuse("nobody@example.com", 550, 5);
          const r1 = await p.book(a.propertyId, a.roomId, "retry@example.com", "tok_decline_1");
          const r2 = await p.book(a.propertyId, a.roomId, "nobody@example.com", "tok_decline_2");
          await mailTo("retry@example.com", /could not be completed/);
          const e1 = await eventOf(r1.id, "reservation.failed");
          const n1 = await eventually(() => noteFor(e1, "email"), T, "note after retry");
          assert.equal(n1.type, "notification.sent");
          assert.equal(n1.data.attempts, 2);
          const e2 = await eventually(
            () => eventOf(r2.id, "reservation.failed"),
            T,
            "failed event",
          );
          const n2 = await eventually(() => noteFor(e2, "email"), T, "note for 550");
          assert.equal(n2.type, "notification.failed");
          assert.equal(n2.data.attempts, 1);
          assert.match(n2.data.error, /550/);
          const attempts = await p.sql<{ ok: boolean; status_code: number | null }[]>`
        select a.ok, a.status_code from notifications.attempts a
        join notifications.deliveries d on d.id = a.delivery_id
        where d.target = 'retry@example.com' order by a.attempt`;
          assert.deepEqual(attempts.map((x) => [x.ok, x.status_code]), [[false, 451], [
            true,
            null,
          ]]);
        },
      );

      const b = await p.seed();
      const flaky = await p.register(b.propertyId, "/flaky", ["reservation.created"]);
      const gone = await p.register(b.propertyId, "/gone", ["reservation.created"]);
      const hang = await p.register(b.propertyId, "/hang", ["reservation.created"]);
      const created = await p.book(b.propertyId, b.roomId, "ops@example.com", "tok_decline_b");
      const createdId = await eventually(
        () => eventOf(created.id, "reservation.created"),
        T,
        "created event",
      );

      await t.step("webhook: 500, 500, then 200 is delivered on the third attempt", async () => {
        const note = await eventually(
          async () => (await p.notes()).find((e) => e.data.target === flaky.id),
          T,
          "flaky note",
        );
        assert.equal(note.type, "notification.sent");
        assert.equal(note.data.attempts, 3);
        assert.equal(note.causationId, createdId);
        const log = (await p.call("GET", `/v1/webhooks/${flaky.id}/deliveries`)).body.items[0];
        assert.deepEqual(log.log.map((x: { statusCode: number }) => x.statusCode), [500, 500, 200]);
        const hooks = p.receiver.received.filter((h) => h.path === "/flaky");
        assert.deepEqual(hooks.map((h) => h.attempt), [1, 2, 3]);
        assert.ok(hooks.every((h) => h.signatureOk && h.deliveryId === hooks[0].deliveryId));
      });

      await t.step("webhook: an endpoint that keeps answering 410 is disabled", async () => {
        const note = await eventually(
          async () => (await p.notes()).find((e) => e.data.target === gone.id),
          T,
          "gone note",
        );
        assert.equal(note.type, "notification.failed");
        assert.equal(note.data.attempts, 3);
        assert.match(note.data.error, /410/);
        const ep = await p.call("GET", `/v1/webhooks/${gone.id}`);
        assert.equal(ep.body.status, "disabled");
        assert.match(ep.body.disabledReason, /410/);
        assert.equal(p.receiver.received.filter((h) => h.path === "/gone").length, 3);
        const again = await p.call("POST", `/v1/webhooks/${gone.id}/enable`);
        assert.equal(again.body.status, "active");
        assert.equal(again.body.consecutiveGone, 0);
      });

      await t.step(
        "webhook: a hanging endpoint times out, the breaker opens, then it fails",
        async () => {
          const note = await eventually(
            async () => (await p.notes()).find((e) => e.data.target === hang.id),
            T,
            "hang note",
          );
          assert.equal(note.type, "notification.failed");
          assert.equal(note.data.attempts, 4);
          const [d] = await p.sql<{ id: string }[]>`
        select id from notifications.deliveries where endpoint_id = ${hang.id}`;
          const log = await p.sql<{ error: string; duration_ms: number; started_at: Date }[]>`
            select error, duration_ms, started_at from notifications.attempts
            where delivery_id = ${d.id} order by attempt`;
          assert.equal(log.length, 4);
          // Three failures opened the breaker: the 4th attempt (due 400 ms later) waited for it.
          const third = log[2].started_at.getTime() + log[2].duration_ms;
          assert.ok(log[3].started_at.getTime() - third >= 450, "the breaker held the 4th try");
          for (const a of log) {
            assert.match(a.error, new RegExp(`no answer within ${WEBHOOK_TIMEOUT_MS} ms`));
            assert.ok(a.duration_ms >= WEBHOOK_TIMEOUT_MS - 50 && a.duration_ms < 5000);
          }
        },
      );
    } finally {
      await p.close();
    }
  },
);
