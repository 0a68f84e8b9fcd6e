import assert from "node:assert/strict";
import { makeEvent } from "../../shared/events/mod.ts";
import type { Booking } from "./booking.ts";
import type { MailedEvent } from "./email.ts";
import { emailedEvents, paymentTrouble, renderEmail } from "./email.ts";
import { uuidv7 } from "../../shared/ids/mod.ts";
import { visible } from "./testdata/reading.ts";

const reservationId = "0190a0c2-7a4e-7c3b-8f00-000000000042";
const ref = {
  reservationId,
  confirmationNumber: "RSV-2030-000042",
  userId: "user-1",
};

/** A stay of two nights from Wed 5 Jun 2030 in Auckland: midnight there is 12:00 UTC before. */
function hotel(over: Partial<Booking> = {}): Booking {
  return {
    reservationId,
    confirmationNumber: "RSV-2030-000042",
    guest: { name: "Ada Lovelace", email: "ada@example.com" },
    property: {
      name: "Harbour Hotel",
      timezone: "Pacific/Auckland",
      policy: { freeCancelHours: 24, lateRefundPercent: 50 },
    },
    total: 48000,
    currency: "NZD",
    startsAt: new Date("2030-06-04T12:00:00Z"),
    items: [{
      line: 1,
      resource: "Double room",
      kind: "room",
      from: "2030-06-05",
      to: "2030-06-07",
      quantity: 1,
      seats: null,
      amount: 48000,
    }],
    ...over,
  };
}

/** Two seats for one evening in New York. */
function theatre(over: Partial<Booking> = {}): Booking {
  return hotel({
    property: {
      name: "Lyric Theatre",
      timezone: "America/New_York",
      policy: { freeCancelHours: 48, lateRefundPercent: 0 },
    },
    total: 9000,
    currency: "USD",
    startsAt: new Date("2030-06-01T04:00:00Z"),
    items: [{
      line: 1,
      resource: "Evening show",
      kind: "seat",
      from: "2030-06-01",
      to: "2030-06-02",
      quantity: 2,
      seats: ["A1", "A2"],
      amount: 9000,
    }],
    ...over,
  });
}

const at = (iso: string) => ({ correlationId: "c1", now: new Date(iso), id: uuidv7() });
const confirmed = (now = "2030-05-01T09:00:00Z") =>
  makeEvent("reservation.confirmed", "p1", { ...ref, paymentId: "pay_1" }, at(now));
const cancelled = (now: string, previousStatus = "confirmed") =>
  makeEvent(
    "reservation.cancelled",
    "p1",
    { ...ref, reason: "plans changed", previousStatus },
    at(now),
  );
const failed = makeEvent(
  "reservation.failed",
  "p1",
  { ...ref, reason: "payment failed: card_declined" },
  at("2030-05-01T09:00:00Z"),
);
const expired = makeEvent("reservation.expired", "p1", ref, at("2030-05-01T09:00:00Z"));
const declined = makeEvent("reservation.modification_declined", "p1", {
  ...ref,
  modificationId: "0190a0c2-7a4e-7c3b-8f00-0000000000aa",
  reason: "insufficient_funds",
  total: 48000,
  requestedTotal: 72000,
  currency: "NZD",
}, at("2030-05-01T09:00:00Z"));

const everyOutcome: MailedEvent[] = [
  confirmed(),
  cancelled("2030-05-01T09:00:00Z"),
  failed,
  expired,
  declined,
];

Deno.test("email: every outcome names the property, number, line and amount, in text and HTML", () => {
  assert.deepEqual(everyOutcome.map((e) => e.type).sort(), [...emailedEvents].sort());
  for (const event of everyOutcome) {
    const m = renderEmail(event, hotel());
    assert.equal(m.to, "ada@example.com");
    assert.match(m.subject, /RSV-2030-000042 at Harbour Hotel/, event.type);
    for (const part of [m.text, visible(m.html!)]) {
      assert.match(part, /Dear Ada Lovelace,/, event.type);
      assert.match(part, /Harbour Hotel/, event.type);
      assert.match(part, /RSV-2030-000042/, event.type);
      assert.match(part, /Double room/, event.type);
      assert.match(part, /Arrival Wed 5 Jun 2030, departure Fri 7 Jun 2030 \(2 nights\)/);
      assert.match(part, /Total:? NZ\$480\.00/, event.type);
    }
  }
});

Deno.test("email: the subjects say what happened", () => {
  const subject = (e: MailedEvent) => renderEmail(e, hotel()).subject;
  assert.match(
    subject(confirmed()),
    /^Your booking RSV-2030-000042 at Harbour Hotel is confirmed$/,
  );
  assert.match(subject(cancelled("2030-05-01T09:00:00Z")), /is cancelled$/);
  assert.match(subject(failed), /could not be completed$/);
  assert.match(subject(expired), /^Your hold RSV-2030-000042 at Harbour Hotel has expired$/);
  assert.match(subject(declined), /change to booking RSV-2030-000042 at Harbour Hotel could not/);
});

Deno.test("email: the confirmation gives the number, the policy in the property's clock", () => {
  const m = renderEmail(confirmed(), hotel());
  assert.match(m.text, /Your confirmation number is RSV-2030-000042\./);
  // Arrival Wed 5 Jun at midnight in Auckland, less 24 hours: Tue 4 Jun, 00:00 there.
  assert.match(
    m.text,
    /free cancellation until Tue 4 Jun 2030, 00:00 \(Pacific\/Auckland time\)\. After that, a cancellation refunds 50% of the amount\./,
  );
  assert.match(m.text, /check-in and any question about your stay/);
});

Deno.test("email: booked after the free cancellation ended, the confirmation says so", () => {
  const m = renderEmail(confirmed("2030-06-04T13:00:00Z"), theatre());
  assert.match(
    m.text,
    /free cancellation ended on Thu 30 May 2030, 00:00 \(America\/New_York time\); now the booking is not refundable\./,
  );
});

Deno.test("email: a theatre booking lists the show's date and seats and never says stay", () => {
  for (const event of everyOutcome) {
    const m = renderEmail(event, theatre());
    for (const part of [m.text, visible(m.html!)]) {
      assert.match(part, /Evening show/, event.type);
      assert.match(part, /Sat 1 Jun 2030/, event.type);
      assert.match(part, /Seats A1, A2/, event.type);
      assert.match(part, /\$90\.00/, event.type);
      assert.doesNotMatch(part, /\bstay/i, event.type);
    }
    for (const a of m.attachments ?? []) assert.doesNotMatch(a.content, /\bstay/i);
  }
});

Deno.test("email: units read as days, several rooms as a count", () => {
  const m = renderEmail(
    confirmed(),
    hotel({
      items: [
        {
          line: 1,
          resource: "Double room",
          kind: "room",
          from: "2030-06-05",
          to: "2030-06-06",
          quantity: 2,
          seats: null,
          amount: 24000,
        },
        {
          line: 2,
          resource: "Kayak",
          kind: "unit",
          from: "2030-06-05",
          to: "2030-06-08",
          quantity: 1,
          seats: null,
          amount: 9000,
        },
        {
          line: 3,
          resource: "Parking",
          kind: "unit",
          from: "2030-06-05",
          to: "2030-06-06",
          quantity: 3,
          seats: null,
          amount: 1500,
        },
      ],
    }),
  );
  assert.match(
    m.text,
    /2 × Double room\n {4}Arrival Wed 5 Jun 2030, departure Thu 6 Jun 2030 \(1 night\)/,
  );
  assert.match(m.text, /Kayak\n {4}Wed 5 Jun 2030 to Fri 7 Jun 2030 \(3 days\)\n {4}NZ\$90\.00/);
  assert.match(m.text, /3 × Parking\n {4}Wed 5 Jun 2030 \(1 day\)\n {4}NZ\$15\.00/);
});

Deno.test("email: a cancellation in time refunds all of it", () => {
  const m = renderEmail(cancelled("2030-06-03T11:59:59Z"), hotel());
  assert.match(m.text, /has been cancelled\. Reason: plans changed\./);
  assert.match(m.text, /Refund: NZ\$480\.00/);
  assert.match(
    m.text,
    /The full amount is refunded: the booking was cancelled by Tue 4 Jun 2030, 00:00 \(Pacific\/Auckland time\)/,
  );
});

Deno.test("email: a late cancellation refunds the policy's share and names the fee", () => {
  const m = renderEmail(cancelled("2030-06-04T00:00:00Z"), hotel());
  assert.match(m.text, /Refund: NZ\$240\.00/);
  assert.match(m.text, /50% is refunded under the cancellation policy/);
  assert.match(m.text, /NZ\$240\.00 is kept as the cancellation fee/);
  const none = renderEmail(cancelled("2030-06-01T00:00:00Z"), theatre());
  assert.match(none.text, /Refund: \$0\.00/);
  assert.match(none.text, /Nothing is refunded under the cancellation policy/);
});

Deno.test("email: cancelled before the payment completed: nothing charged, no refund line", () => {
  const m = renderEmail(cancelled("2030-06-04T00:00:00Z", "pending"), hotel());
  assert.doesNotMatch(m.text, /Refund:/);
  assert.match(m.text, /Nothing has been charged/);
});

Deno.test("email: a failure says what went wrong with the payment and that nothing was charged", () => {
  const m = renderEmail(failed, hotel());
  assert.match(
    m.text,
    /We could not complete your booking RSV-2030-000042 at Harbour Hotel: your card was declined\./,
  );
  assert.match(m.text, /Nothing has been charged/);
  assert.equal(paymentTrouble("payment failed: something new"), "payment failed: something new");
});

Deno.test("email: a declined change keeps the booking and names both totals", () => {
  const m = renderEmail(declined, hotel());
  assert.match(m.text, /declined \(your card has insufficient funds\)/);
  assert.match(m.text, /Your booking stands as it was, and nothing more has been charged\./);
  assert.match(m.text, /Total: NZ\$480\.00\nTotal with the change: NZ\$720\.00/);
});

Deno.test("email: the expired hold says nothing was charged", () => {
  const m = renderEmail(expired, hotel());
  assert.match(m.text, /expired before the payment was completed/);
  assert.match(m.text, /Nothing has been charged/);
});

Deno.test("email: every value in the HTML is escaped", () => {
  const b = hotel({
    guest: { name: `<script>alert("x")</script>`, email: "ada@example.com" },
    property: { ...hotel().property, name: "Bed & <b>Breakfast</b>" },
    items: [{ ...hotel().items[0], resource: `Room "1" <img src=x onerror=alert(1)>` }],
  });
  for (const event of everyOutcome) {
    const html = renderEmail(event, b).html!;
    assert.doesNotMatch(html, /<script|<b>|<img/i, event.type);
    assert.match(html, /Dear &lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;,/);
    assert.match(html, /Bed &amp; &lt;b&gt;Breakfast&lt;\/b&gt;/);
    assert.match(html, /Room &quot;1&quot; &lt;img src=x onerror=alert\(1\)&gt;/);
    assert.doesNotMatch(html, /(src|href)="?https?:/, "no external resource");
  }
});

Deno.test("email: only the confirmation carries the calendar, one event per line", () => {
  const m = renderEmail(confirmed(), hotel());
  assert.equal(m.attachments?.length, 1);
  const [ics] = m.attachments!;
  assert.equal(ics.filename, "RSV-2030-000042.ics");
  assert.match(ics.contentType, /^text\/calendar; charset=utf-8; method=PUBLISH$/);
  assert.match(ics.content, /\r\nDTSTART;VALUE=DATE:20300605\r\nDTEND;VALUE=DATE:20300607\r\n/);
  assert.match(ics.content, new RegExp(`\r\nUID:${reservationId}-1@berth\r\n`));
  assert.match(ics.content, /\r\nDTSTAMP:20300501T090000Z\r\n/);
  for (const event of everyOutcome.slice(1)) {
    assert.equal(renderEmail(event, hotel()).attachments, undefined, event.type);
  }
});
