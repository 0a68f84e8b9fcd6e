import assert from "node:assert/strict";
import { eventually, integration } from "../../testing/mod.ts";
import { booking } from "../../testing/app.ts";
import { sweepOnce } from "../../shared/booking/mod.ts";
import { notificationsPlatform } from "./testdata/platform.ts";
import { calendarOnTheWire, icsLines, visible } from "./testdata/reader.ts";
import type { ReceivedMail } from "../../testing/smtp.ts";

const T = 20_000;

integration("guest mail: what a guest reads in the delivered message", async (t) => {
  const p = await notificationsPlatform(() => 200);
  const mailTo = (address: string, subject: RegExp): Promise<ReceivedMail> =>
    eventually(
      () =>
        Promise.resolve(
          p.smtp.mails.find((m) => m.to.includes(address) && subject.test(m.subject)),
        ),
      T,
      `mail to ${address} ${subject}`,
    );
  const created = async (path: string, body: unknown) => {
    const r = await p.call("POST", path, body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  };
  const put = async (path: string, body: unknown) => {
    const r = await p.call("PUT", path, body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  const book = async (
    propertyId: string,
    items: unknown[],
    guest: { name: string; email: string },
    token = "tok_ok_visa",
  ) => {
    const r = await p.call("POST", "/v1/reservations", {
      ...booking(propertyId, items, token),
      guest,
    }, { "idempotency-key": crypto.randomUUID() });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { id: string; confirmationNumber: string };
  };

  try {
    // A lodge in Auckland: midnight there is noon UTC the day before.
    const lodge = await created("/v1/properties", {
      name: "Harbour View Lodge",
      timezone: "Pacific/Auckland",
      currency: "NZD",
      cancellationPolicy: { freeCancelHours: 48, lateRefundPercent: 50 },
    });
    const room = await created(`/v1/properties/${lodge.id}/resources`, {
      name: "Queen room",
      kind: "room",
    });
    await put(`/v1/properties/${lodge.id}/resources/${room.id}/inventory`, {
      from: "2030-06-01",
      to: "2030-06-10",
      total: 5,
      price: 24000,
    });
    // A theatre in New York: a date read as an instant there would fall on the day before.
    const theatre = await created("/v1/properties", {
      name: "Lyric Theatre",
      timezone: "America/New_York",
      currency: "USD",
      cancellationPolicy: { freeCancelHours: 24, lateRefundPercent: 0 },
    });
    const show = await created(`/v1/properties/${theatre.id}/resources`, {
      name: "Hamlet",
      kind: "seat",
      seats: ["A1", "A2", "A3", "A4", "A5", "A6"],
    });
    await put(`/v1/properties/${theatre.id}/resources/${show.id}/inventory`, {
      from: "2030-06-01",
      to: "2030-06-03",
      price: 4500,
    });

    const ada = { name: "Ada Lovelace", email: "ada@example.com" };
    const stay = await book(
      lodge.id,
      [{ resourceId: room.id, from: "2030-06-05", to: "2030-06-07", quantity: 1 }],
      ada,
    );

    await t.step("a stay: the lodge, the room, arrival and departure, the amount", async () => {
      const mail = await mailTo(ada.email, /is confirmed/);
      const n = stay.confirmationNumber;
      assert.equal(mail.subject, `Your booking ${n} at Harbour View Lodge is confirmed`);
      for (const part of [mail.text, visible(mail.html)]) {
        assert.match(part, /Dear Ada Lovelace,/);
        assert.match(
          part,
          new RegExp(
            `Your booking at Harbour View Lodge is confirmed\\. ` +
              `Your confirmation number is ${n}\\.`,
          ),
        );
        assert.match(part, /Queen room/);
        assert.match(part, /Arrival Wed 5 Jun 2030, departure Fri 7 Jun 2030 \(2 nights\)/);
        assert.match(part, /Total:? NZ\$480\.00/);
        // 48 hours before midnight of Wed 5 Jun, on the lodge's clock.
        assert.match(
          part,
          /free cancellation until Mon 3 Jun 2030, 00:00 \(Pacific\/Auckland time\)\. After that, a cancellation refunds 50% of the amount\./,
        );
        assert.match(part, /any question about your stay/);
      }
      // The Message-ID stays the delivery's: a resend is recognisably the same message.
      const [delivery] = await p.sql<{ id: string }[]>`
        select d.id::text from notifications.deliveries d
        where d.channel = 'email' and d.target = ${ada.email}
          and d.event_type = 'reservation.confirmed'`;
      assert.equal(mail.messageId, `<${delivery.id}@berth>`);
    });

    await t.step("a stay: the confirmation carries its calendar", async () => {
      const mail = await mailTo(ada.email, /is confirmed/);
      assert.equal(mail.attachments.length, 1);
      const [ics] = mail.attachments;
      assert.equal(ics.filename, `${stay.confirmationNumber}.ics`);
      assert.equal(ics.mimeType, "text/calendar");
      assert.equal(ics.method, "PUBLISH");
      const lines = icsLines(ics.content);
      assert.equal(lines[0], "BEGIN:VCALENDAR");
      assert.ok(lines.includes("METHOD:PUBLISH"));
      assert.deepEqual(lines.filter((l) => l === "BEGIN:VEVENT"), ["BEGIN:VEVENT"]);
      assert.ok(lines.includes(`UID:${stay.id}-1@berth`));
      assert.ok(lines.includes("DTSTART;VALUE=DATE:20300605"));
      assert.ok(lines.includes("DTEND;VALUE=DATE:20300607"));
      assert.ok(lines.includes("SUMMARY:Queen room\\, Harbour View Lodge"));
      // On the wire: every line ends in CRLF, none is longer than 75 octets, long ones folded.
      const wire = calendarOnTheWire(mail.raw);
      assert.ok(wire.endsWith("END:VCALENDAR\r\n"));
      assert.equal(wire.split("\r\n").some((l) => l.includes("\n")), false, "no bare LF");
      const octets = wire.split("\r\n").map((l) => new TextEncoder().encode(l).length);
      assert.ok(Math.max(...octets) <= 75, `lines of ${octets.join(", ")} octets`);
      assert.match(wire, /\r\n /, "a long DESCRIPTION is folded");
    });

    const grace = { name: "Grace Hopper", email: "grace@example.com" };
    const seats = await book(
      theatre.id,
      [{ resourceId: show.id, from: "2030-06-01", to: "2030-06-02", seats: ["A3", "A4"] }],
      grace,
    );

    await t.step(
      "a theatre booking lists the show's date and the seats, never a stay",
      async () => {
        const mail = await mailTo(grace.email, /is confirmed/);
        assert.equal(
          mail.subject,
          `Your booking ${seats.confirmationNumber} at Lyric Theatre is confirmed`,
        );
        for (const part of [mail.text, visible(mail.html)]) {
          assert.match(part, /Hamlet/);
          assert.match(part, /Sat 1 Jun 2030/);
          assert.match(part, /Seats A3, A4/);
          assert.match(part, /Total:? \$90\.00/);
          assert.match(
            part,
            /free cancellation until Fri 31 May 2030, 00:00 \(America\/New_York time\)\. After that, the booking is not refundable\./,
          );
          assert.doesNotMatch(part, /\bstay/i);
        }
        const lines = icsLines(mail.attachments[0].content);
        assert.ok(lines.includes("DTSTART;VALUE=DATE:20300601"));
        assert.ok(lines.includes("DTEND;VALUE=DATE:20300602"));
        assert.ok(lines.some((l) => /^DESCRIPTION:Sat 1 Jun 2030\\nSeats A3\\, A4\\n/.test(l)));
        assert.doesNotMatch(mail.attachments[0].content, /\bstay/i);
      },
    );

    await t.step(
      "a cancellation names the refund, the one the payments service makes",
      async () => {
        await mailTo(grace.email, /is confirmed/);
        const c = await p.call("POST", `/v1/reservations/${seats.id}/cancel`, {
          reason: "cannot make it",
        });
        assert.equal(c.status, 200, JSON.stringify(c.body));
        const mail = await mailTo(grace.email, /is cancelled/);
        assert.equal(
          mail.subject,
          `Your booking ${seats.confirmationNumber} at Lyric Theatre is cancelled`,
        );
        for (const part of [mail.text, visible(mail.html)]) {
          assert.match(part, /has been cancelled\. Reason: cannot make it\./);
          assert.match(part, /Seats A3, A4/);
          assert.match(part, /Refund:? \$90\.00/);
          assert.match(
            part,
            /The full amount is refunded: the booking was cancelled by Fri 31 May 2030, 00:00 \(America\/New_York time\)/,
          );
          assert.doesNotMatch(part, /\bstay/i);
        }
        assert.equal(mail.attachments.length, 0);
        // Seats are paid at confirmation: what the mail promised is what went back to the card.
        const refunded = await eventually(
          async () => {
            const [row] = await p.sql<{ refunded: string | null }[]>`
          select sum(amount)::text as refunded from payments.movements
          where reservation_id = ${seats.id} and kind = 'refund'`;
            return row.refunded ?? undefined;
          },
          T,
          "refund movement",
        );
        assert.equal(Number(refunded), 9000);
      },
    );

    await t.step("a failure: the card was declined, nothing charged, HTML escaped", async () => {
      const mallory = { name: "<script>alert(1)</script>", email: "mallory@example.com" };
      const r = await book(
        lodge.id,
        [{ resourceId: room.id, from: "2030-06-08", to: "2030-06-09", quantity: 2 }],
        mallory,
        "tok_decline_card",
      );
      const mail = await mailTo(mallory.email, /could not be completed/);
      assert.equal(
        mail.subject,
        `Your booking ${r.confirmationNumber} at Harbour View Lodge could not be completed`,
      );
      assert.match(mail.text, /^Dear <script>alert\(1\)<\/script>,/);
      for (const part of [mail.text, visible(mail.html)]) {
        assert.match(part, /We could not complete your booking .* your card was declined\./);
        assert.match(part, /2 × Queen room/);
        assert.match(part, /Arrival Sat 8 Jun 2030, departure Sun 9 Jun 2030 \(1 night\)/);
        assert.match(part, /Total:? NZ\$480\.00/);
        assert.match(part, /Nothing has been charged/);
      }
      assert.doesNotMatch(mail.html, /<script/i);
      assert.match(mail.html, /Dear &lt;script&gt;alert\(1\)&lt;\/script&gt;,/);
      assert.equal(mail.attachments.length, 0);
    });

    await t.step("a declined change: the booking stands, both totals named", async () => {
      // This card authorizes up to 300.00 in all: one night, not two.
      const alan = { name: "Alan Turing", email: "alan@example.com" };
      const r = await book(
        lodge.id,
        [{ resourceId: room.id, from: "2030-06-02", to: "2030-06-03", quantity: 1 }],
        alan,
        "tok_ok_limit30000",
      );
      await mailTo(alan.email, /is confirmed/);
      const patched = await p.call("PATCH", `/v1/reservations/${r.id}`, {
        items: [{ resourceId: room.id, from: "2030-06-02", to: "2030-06-04", quantity: 1 }],
      });
      assert.equal(patched.status, 202, JSON.stringify(patched.body));
      const mail = await mailTo(alan.email, /could not be made/);
      assert.equal(
        mail.subject,
        `Your change to booking ${r.confirmationNumber} at Harbour View Lodge could not be made`,
      );
      for (const part of [mail.text, visible(mail.html)]) {
        assert.match(part, /difference was declined \(your card has insufficient funds\)/);
        assert.match(part, /Your booking stands as it was, and nothing more has been charged\./);
        assert.match(part, /Arrival Sun 2 Jun 2030, departure Mon 3 Jun 2030 \(1 night\)/);
        assert.match(part, /Total:? NZ\$240\.00/);
        assert.match(part, /Total with the change:? NZ\$480\.00/);
      }
    });

    await t.step("an expired hold: what was held, nothing charged", async () => {
      const ken = { name: "Ken Thompson", email: "ken@example.com" };
      const r = await book(
        theatre.id,
        [{ resourceId: show.id, from: "2030-06-02", to: "2030-06-03", seats: ["A6"] }],
        ken,
        "tok_slow_card",
      );
      await sweepOnce(p.sql, new Date(Date.now() + 24 * 3600_000));
      const mail = await mailTo(ken.email, /has expired/);
      assert.equal(mail.subject, `Your hold ${r.confirmationNumber} at Lyric Theatre has expired`);
      for (const part of [mail.text, visible(mail.html)]) {
        assert.match(part, /expired before the payment was completed/);
        assert.match(part, /Sun 2 Jun 2030/);
        assert.match(part, /Seat A6/);
        assert.match(part, /Total:? \$45\.00/);
        assert.match(part, /Nothing has been charged/);
        assert.doesNotMatch(part, /\bstay/i);
      }
    });
  } finally {
    await p.close();
  }
});
