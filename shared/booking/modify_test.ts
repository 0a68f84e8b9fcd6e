import assert from "node:assert/strict";
import type { ReservationState } from "./state.ts";
import type { Decided } from "./decide.ts";
import { decide } from "./decide.ts";
import type { ModificationPayment } from "./modify.ts";
import type { ChangeCommand } from "./write.ts";
import type { Item } from "./domain.ts";
import type { DomainError } from "../errors/mod.ts";
import { idSource, room, seats } from "./testdata/items.ts";

const ctx = {
  now: new Date("2030-05-01T10:00:00Z"),
  newId: idSource(),
  correlationId: "c1",
};
const price = (r: string) => (r === "room" ? 12000 : 4500);

/** A confirmed reservation of `items` at the prices above. */
function confirmed(...items: Item[]): ReservationState {
  const amounts = items.map((it) =>
    price(it.resourceId) * it.quantity *
    ((Date.parse(it.to) - Date.parse(it.from)) / 86_400_000)
  );
  return {
    id: "0190a0a0-0000-7000-8000-00000000ffff",
    propertyId: "p1",
    userId: "u1",
    apiKeyId: "k1",
    confirmationNumber: "RSV-2030-000001",
    status: "confirmed",
    version: 3,
    guest: { name: "Ada", email: "ada@example.com" },
    total: amounts.reduce((a, b) => a + b, 0),
    currency: "EUR",
    timezone: "UTC",
    paymentId: "pay_1",
    holdExpiresAt: new Date("2030-05-01T10:15:00Z"),
    createdAt: ctx.now,
    updatedAt: ctx.now,
    items,
    amounts,
    pendingChange: null,
  };
}

const deltas = (d: Decided) => d.deltas;
const typeOf = (d: Decided) => d.events.map((e) => e.type).join();
const modify = (s: ReservationState, ...items: Item[]) =>
  decide({ type: "modify", items, priceOf: price }, s, ctx);
const answer = (s: ReservationState, modificationId: string, payment: ModificationPayment) =>
  decide({ type: "settleModification", modificationId, payment }, s, ctx);

/** The payment's answer to a modification that waits: a change of the reservation. */
function settle(
  s: ReservationState,
  modificationId: string,
  payment: ModificationPayment,
): Decided<ChangeCommand> {
  const d = answer(s, modificationId, payment);
  if (d.command.kind !== "change") throw new Error(`no change decided: ${d.command.kind}`);
  return { ...d, command: d.command };
}

Deno.test("modify: a higher total waits for its payment, holding only what it adds", () => {
  const s = confirmed(room("2030-06-01", "2030-06-03"));
  const asked = modify(s, room("2030-06-01", "2030-06-05"));
  assert.equal(typeOf(asked), "reservation.modification_requested");
  // The booking stands as it was: its lines and total; the two new nights are held on top.
  assert.equal(asked.command.items, undefined);
  assert.equal(asked.command.total, undefined);
  assert.deepEqual(deltas(asked), [
    { r: "room", d: "2030-06-03", h: 1, s: 0 },
    { r: "room", d: "2030-06-04", h: 1, s: 0 },
  ]);
  assert.equal(asked.state.total, 24000);
  assert.equal(asked.state.pendingChange?.total, 48000);
  assert.throws(
    () => modify(asked.state, room("2030-06-01", "2030-06-02")),
    (e: DomainError) => e.code === "modification_pending" && e.kind === "conflict",
  );

  const id = asked.state.pendingChange!.id;
  const paid = settle(asked.state, id, { ok: true });
  assert.equal(typeOf(paid), "reservation.modified");
  assert.equal(paid.command.total, 48000);
  assert.equal(paid.command.pendingChange, null);
  // The held nights become sold; the old nights stay sold.
  assert.deepEqual(deltas(paid), [
    { r: "room", d: "2030-06-03", h: -1, s: 1 },
    { r: "room", d: "2030-06-04", h: -1, s: 1 },
  ]);

  const declined = settle(asked.state, id, { ok: false, reason: "card_declined" });
  assert.equal(typeOf(declined), "reservation.modification_declined");
  assert.equal(declined.command.items, undefined);
  assert.deepEqual(deltas(declined), [
    { r: "room", d: "2030-06-03", h: -1, s: 0 },
    { r: "room", d: "2030-06-04", h: -1, s: 0 },
  ]);
  assert.equal(declined.state.pendingChange, null);
  // An answer to a modification that no longer waits (settled, or another one) changes nothing.
  for (
    const late of [
      answer(declined.state, id, { ok: true }),
      answer(asked.state, ctx.newId(), { ok: true }),
    ]
  ) {
    assert.equal(late.command.kind, "none");
    assert.deepEqual(late.events, []);
  }
});

Deno.test("modify: moved to dearer nights, the old ones stay until the new ones are paid", () => {
  const s = confirmed(room("2030-06-01", "2030-06-02"));
  const asked = modify(s, room("2030-06-03", "2030-06-05"));
  assert.deepEqual(deltas(asked), [
    { r: "room", d: "2030-06-03", h: 1, s: 0 },
    { r: "room", d: "2030-06-04", h: 1, s: 0 },
  ]);
  const paid = settle(asked.state, asked.state.pendingChange!.id, { ok: true });
  assert.deepEqual(deltas(paid), [
    { r: "room", d: "2030-06-01", h: 0, s: -1 },
    { r: "room", d: "2030-06-03", h: -1, s: 1 },
    { r: "room", d: "2030-06-04", h: -1, s: 1 },
  ]);
});

Deno.test("modify: seats asked for are held beside the booked ones until the answer", () => {
  const s = confirmed(seats("A1"));
  const asked = modify(s, seats("A1", "A2"));
  assert.deepEqual(asked.command.seats?.map((x) => x.s), ["A1", "A2"]);
  const id = asked.state.pendingChange!.id;
  const declined = settle(asked.state, id, { ok: false, reason: "x" });
  assert.deepEqual(declined.command.seats?.map((x) => x.s), ["A1"]);
  const paid = settle(asked.state, id, { ok: true });
  assert.deepEqual(paid.command.seats?.map((x) => x.s), ["A1", "A2"]);
});

Deno.test("modify: cancelled while a change waits, everything it held is given back", () => {
  const s = confirmed(room("2030-06-01", "2030-06-03"));
  const asked = modify(s, room("2030-06-01", "2030-06-04"));
  const cancelled = decide({ type: "cancel" }, asked.state, ctx);
  assert.equal(cancelled.command.pendingChange, null);
  assert.equal(cancelled.state.pendingChange, null);
  assert.deepEqual(deltas(cancelled), [
    { r: "room", d: "2030-06-01", h: 0, s: -1 },
    { r: "room", d: "2030-06-02", h: 0, s: -1 },
    { r: "room", d: "2030-06-03", h: -1, s: 0 },
  ]);
  // Checking in (on the arrival date) keeps the change waiting.
  const arrival = { ...ctx, now: new Date("2030-06-01T10:00:00Z") };
  assert.ok(decide({ type: "checkIn" }, asked.state, arrival).state.pendingChange);
});

Deno.test("modify: a total that does not rise changes the booking at once", () => {
  const s = confirmed(room("2030-06-01", "2030-06-04"));
  const lower = modify(s, room("2030-06-01", "2030-06-02"));
  assert.equal(typeOf(lower), "reservation.modified");
  assert.equal(lower.command.total, 12000);
  assert.equal(lower.state.pendingChange, null);
  assert.deepEqual(deltas(lower), [
    { r: "room", d: "2030-06-02", h: 0, s: -1 },
    { r: "room", d: "2030-06-03", h: 0, s: -1 },
  ]);
});
