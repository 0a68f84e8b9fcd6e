import assert from "node:assert/strict";
import { eventTypes, eventTypesOf, parseSubject, subjectOf, versionsOf } from "./catalogue.ts";
import { makeEvent, MalformedEventError, parseEvent, receivedText } from "./envelope.ts";
import { streamDefinitions } from "./streams.ts";
import { uuidv7 } from "../ids/mod.ts";

Deno.test("catalogue: every event DESIGN names is there", () => {
  for (
    const t of [
      "reservation.created",
      "reservation.confirmed",
      "reservation.modified",
      "reservation.cancelled",
      "reservation.expired",
      "reservation.failed",
      "reservation.checked_in",
      "reservation.checked_out",
      "payment.authorized",
      "payment.failed",
      "payment.captured",
      "payment.refunded",
      "payment.settled",
      "inventory.updated",
      "rate.updated",
      "rate.applied",
      "notification.sent",
      "notification.failed",
    ]
  ) assert.ok(eventTypes.includes(t as never), t);
});

Deno.test("catalogue: subjects carry the property and read back", () => {
  assert.equal(subjectOf("reservation.created", "p123"), "reservation.p123.created");
  assert.equal(subjectOf("payment.authorized", "p123"), "payment.p123.authorized");
  assert.deepEqual(parseSubject("reservation.p123.checked_in"), {
    type: "reservation.checked_in",
    propertyId: "p123",
    partition: null,
  });
  // As a stream stores it: with its partition.
  assert.deepEqual(parseSubject("reservation.p123.checked_in.5"), {
    type: "reservation.checked_in",
    propertyId: "p123",
    partition: 5,
  });
  assert.equal(parseSubject("reservation.p1.nonsense"), null);
  assert.throws(() => subjectOf("reservation.created", "a.b"), /subject-token safe/);
});

Deno.test("catalogue: streams derive from the domains, plus the DLQ", () => {
  assert.deepEqual(
    streamDefinitions.map((s) => [s.name, s.subjects[0]]),
    [
      ["RESERVATIONS", "reservation.>"],
      ["PAYMENTS", "payment.>"],
      ["INVENTORY", "inventory.>"],
      ["RATES", "rate.>"],
      ["NOTIFICATIONS", "notification.>"],
      ["DLQ", "dlq.>"],
    ],
  );
});

Deno.test("envelope: made, serialised and parsed back unchanged", () => {
  const e = makeEvent("payment.authorized", "p1", {
    reservationId: "0190a0a0-0000-7000-8000-000000000000",
    paymentId: "pay_1",
    amount: 12000,
    currency: "EUR",
  }, { correlationId: "c1", now: new Date("2026-01-01T00:00:00Z"), id: uuidv7() });
  assert.match(e.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(e.version, 1);
  assert.deepEqual(parseEvent(JSON.stringify(e)), e);
});

Deno.test("envelope: data that breaks its schema is refused on both sides", () => {
  assert.throws(() =>
    makeEvent("payment.authorized", "p1", { amount: 1.5 } as never, {
      correlationId: "c",
      now: new Date(),
      id: uuidv7(),
    })
  );
  assert.throws(() => parseEvent("{nope"), MalformedEventError);
  const e = makeEvent("reservation.expired", "p1", {
    reservationId: "0190a0a0-0000-7000-8000-000000000000",
    confirmationNumber: "RSV-2026-000001",
    userId: "u1",
  }, { correlationId: "c", now: new Date(), id: uuidv7() });
  const bad = JSON.stringify({ ...e, data: { reservationId: 5 } });
  assert.throws(() => parseEvent(bad), /bad reservation.expired data/);
});

Deno.test("versions: an older version is read as the current one; an unknown one is refused", () => {
  assert.deepEqual(versionsOf("reservation.created"), [1, 2]);
  const v2 = makeEvent("reservation.created", "p1", {
    reservationId: "0190a0a0-0000-7000-8000-000000000000",
    confirmationNumber: "RSV-2026-000001",
    userId: "u1",
    items: [{
      resourceId: "r1",
      kind: "room",
      from: "2030-06-01",
      to: "2030-06-02",
      quantity: 1,
      amount: 9000,
    }],
    total: 9000,
    currency: "EUR",
    holdExpiresAt: "2030-05-01T10:15:00.000Z",
    rates: [{ resourceId: "r1", date: "2030-06-01", price: 9000 }],
  }, { correlationId: "c", now: new Date(), id: uuidv7() });
  const guest = { name: "Ada", email: "ada@example.com" };
  const v1 = { ...v2, version: 1, data: { ...v2.data, guest, paymentToken: "tok_ok_1" } };
  const read = parseEvent(JSON.stringify(v1));
  assert.deepEqual(read, v2);
  // What was received stays as it was: the audit log keeps it, signature and all.
  assert.equal(receivedText(read), JSON.stringify(v1));
  // v1 without its guest is not v1.
  const { guest: _, ...noGuest } = v1.data;
  assert.throws(
    () => parseEvent(JSON.stringify({ ...v1, data: noGuest })),
    /bad reservation.created/,
  );
  assert.throws(
    () => parseEvent(JSON.stringify({ ...v2, version: 3 })),
    /reservation.created version 3 is not one this reader accepts \(1, 2\)/,
  );
});

Deno.test("eventTypesOf: every event of the domains asked, less those left out", () => {
  assert.deepEqual(eventTypesOf(["inventory"]), ["inventory.updated"]);
  assert.deepEqual(eventTypesOf(["rate", "notification"], ["rate.applied"]), [
    "rate.updated",
    "notification.sent",
    "notification.failed",
  ]);
  const reservation = eventTypes.filter((t) => t.startsWith("reservation."));
  assert.deepEqual(eventTypesOf(["reservation"]), reservation);
  assert.deepEqual(
    eventTypesOf(["reservation"], ["reservation.checked_in"]),
    reservation.filter((t) => t !== "reservation.checked_in"),
  );
});
