import assert from "node:assert/strict";
import type { ReservationState } from "./decide.ts";
import { decideChange } from "./decide.ts";
import { decideModificationOutcome, decideModify } from "./modify.ts";
import type { Item } from "./domain.ts";
import type { DomainError } from "../errors/mod.ts";

let n = 0;
const ctx = {
  now: new Date("2030-05-01T10:00:00Z"),
  newId: () => `0190a0a0-0000-7000-8000-${String(++n).padStart(12, "0")}`,
  correlationId: "c1",
};
const room = (from: string, to: string): Item => ({
  resourceId: "room",
  kind: "room",
  from,
  to,
  quantity: 1,
});
const seats = (...s: string[]): Item => ({
  resourceId: "show",
  kind: "seat",
  from: "2030-06-01",
  to: "2030-06-02",
  quantity: s.length,
  seats: s,
});
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

const deltas = (d: { command: { deltas: unknown[] } }) => d.command.deltas;

Deno.test("modify: a higher total waits for its payment, holding only what it adds", () => {
  const s = confirmed(room("2030-06-01", "2030-06-03"));
  const asked = decideModify(s, [room("2030-06-01", "2030-06-05")], price, ctx);
  assert.equal(asked.event.type, "reservation.modification_requested");
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
    () => decideModify(asked.state, [room("2030-06-01", "2030-06-02")], price, ctx),
    (e: DomainError) => e.code === "modification_pending" && e.kind === "conflict",
  );

  const id = asked.state.pendingChange!.id;
  const paid = decideModificationOutcome(asked.state, id, { ok: true }, ctx)!;
  assert.equal(paid.event.type, "reservation.modified");
  assert.equal(paid.command.total, 48000);
  assert.equal(paid.command.pendingChange, null);
  // The held nights become sold; the old nights stay sold.
  assert.deepEqual(deltas(paid), [
    { r: "room", d: "2030-06-03", h: -1, s: 1 },
    { r: "room", d: "2030-06-04", h: -1, s: 1 },
  ]);

  const declined = decideModificationOutcome(asked.state, id, {
    ok: false,
    reason: "card_declined",
  }, ctx)!;
  assert.equal(declined.event.type, "reservation.modification_declined");
  assert.equal(declined.command.items, undefined);
  assert.deepEqual(deltas(declined), [
    { r: "room", d: "2030-06-03", h: -1, s: 0 },
    { r: "room", d: "2030-06-04", h: -1, s: 0 },
  ]);
  assert.equal(declined.state.pendingChange, null);
  assert.equal(decideModificationOutcome(declined.state, id, { ok: true }, ctx), null);
  assert.equal(decideModificationOutcome(asked.state, ctx.newId(), { ok: true }, ctx), null);
});

Deno.test("modify: moved to dearer nights, the old ones stay until the new ones are paid", () => {
  const s = confirmed(room("2030-06-01", "2030-06-02"));
  const asked = decideModify(s, [room("2030-06-03", "2030-06-05")], price, ctx);
  assert.deepEqual(deltas(asked), [
    { r: "room", d: "2030-06-03", h: 1, s: 0 },
    { r: "room", d: "2030-06-04", h: 1, s: 0 },
  ]);
  const paid = decideModificationOutcome(asked.state, asked.state.pendingChange!.id, {
    ok: true,
  }, ctx)!;
  assert.deepEqual(deltas(paid), [
    { r: "room", d: "2030-06-01", h: 0, s: -1 },
    { r: "room", d: "2030-06-03", h: -1, s: 1 },
    { r: "room", d: "2030-06-04", h: -1, s: 1 },
  ]);
});

Deno.test("modify: seats asked for are held beside the booked ones until the answer", () => {
  const s = confirmed(seats("A1"));
  const asked = decideModify(s, [seats("A1", "A2")], price, ctx);
  assert.deepEqual(asked.command.seats?.map((x) => x.s), ["A1", "A2"]);
  const id = asked.state.pendingChange!.id;
  const declined = decideModificationOutcome(asked.state, id, { ok: false, reason: "x" }, ctx)!;
  assert.deepEqual(declined.command.seats?.map((x) => x.s), ["A1"]);
  const paid = decideModificationOutcome(asked.state, id, { ok: true }, ctx)!;
  assert.deepEqual(paid.command.seats?.map((x) => x.s), ["A1", "A2"]);
});

Deno.test("modify: cancelled while a change waits, everything it held is given back", () => {
  const s = confirmed(room("2030-06-01", "2030-06-03"));
  const asked = decideModify(s, [room("2030-06-01", "2030-06-04")], price, ctx);
  const cancelled = decideChange(asked.state, "cancel", ctx);
  assert.equal(cancelled.command.pendingChange, null);
  assert.equal(cancelled.state.pendingChange, null);
  assert.deepEqual(deltas(cancelled), [
    { r: "room", d: "2030-06-01", h: 0, s: -1 },
    { r: "room", d: "2030-06-02", h: 0, s: -1 },
    { r: "room", d: "2030-06-03", h: -1, s: 0 },
  ]);
  // Checking in (on the arrival date) keeps the change waiting.
  const arrival = { ...ctx, now: new Date("2030-06-01T10:00:00Z") };
  assert.ok(decideChange(asked.state, "checkIn", arrival).state.pendingChange);
});

Deno.test("modify: a total that does not rise changes the booking at once", () => {
  const s = confirmed(room("2030-06-01", "2030-06-04"));
  const lower = decideModify(s, [room("2030-06-01", "2030-06-02")], price, ctx);
  assert.equal(lower.event.type, "reservation.modified");
  assert.equal(lower.command.total, 12000);
  assert.equal(lower.state.pendingChange, null);
  assert.deepEqual(deltas(lower), [
    { r: "room", d: "2030-06-02", h: 0, s: -1 },
    { r: "room", d: "2030-06-03", h: 0, s: -1 },
  ]);
});
