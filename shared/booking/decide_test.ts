import assert from "node:assert/strict";
import { specOf } from "../../testing/decider.ts";
import type { BookingCommand, Decided } from "./decide.ts";
import { decide } from "./decide.ts";
import type { Item } from "./domain.ts";
import type { ReservationState } from "./state.ts";
import { idSource, room } from "./testdata/items.ts";

const newId = idSource();
/** The decision at `iso` on the test clock. */
const at = (iso: string) =>
  specOf((c: BookingCommand, s: ReservationState | null) =>
    decide(c, s, { now: new Date(iso), newId, correlationId: "c1" })
  );
const BOOKED = "2030-05-01T10:00:00.000Z";

const nightly: Record<string, number> = { "2030-06-01": 12000, "2030-06-02": 15000 };
const priceOf = (_r: string, d: string) => nightly[d] ?? 10000;
const hold = (items: Item[]): BookingCommand => ({
  type: "hold",
  booking: {
    propertyId: "p1",
    userId: "u1",
    guest: { name: "Ada", email: "ada@example.com" },
    items,
    currency: "EUR",
    timezone: "UTC",
    paymentToken: "tok_ok",
    apiKeyId: "k1",
    seq: 7,
    priceOf,
    holdMinutes: 15,
    idempotency: null,
  },
});
const events = (d: Pick<Decided, "events">) =>
  d.events.map((e) => ({ type: e.type, occurredAt: e.occurredAt, data: e.data }));

/** Two nights held at BOOKED: the state every case below starts from. */
let pending!: ReservationState;
at(BOOKED).given(null).when(hold([room("2030-06-01", "2030-06-03")])).then((d) => {
  pending = d.state!;
});
let confirmed!: ReservationState;
at("2030-05-01T10:05:00Z").given(pending).when({ type: "confirm", paymentId: "pay_1" }).then(
  (d) => {
    confirmed = d.state!;
  },
);

Deno.test("decide hold: a new pending reservation holds its nights and says so, at the clock's time", () => {
  at(BOOKED).given(null).when(hold([room("2030-06-01", "2030-06-03")])).then((d) => {
    assert.equal(d.command.kind, "hold");
    assert.deepEqual(d.deltas, [
      { r: "room", d: "2030-06-01", h: 1, s: 0 },
      { r: "room", d: "2030-06-02", h: 1, s: 0 },
    ]);
    const [created] = events(d);
    assert.equal(created.type, "reservation.created");
    assert.equal(created.occurredAt, BOOKED);
    assert.equal(d.events[0].correlationId, "c1");
    const data = created.data as { total: number; holdExpiresAt: string; rates: unknown[] };
    assert.equal(data.total, 27000);
    assert.equal(data.holdExpiresAt, "2030-05-01T10:15:00.000Z");
    assert.deepEqual(data.rates, [
      { resourceId: "room", date: "2030-06-01", price: 12000 },
      { resourceId: "room", date: "2030-06-02", price: 15000 },
    ]);
    assert.equal(d.state!.status, "pending");
    assert.equal(d.state!.createdAt.toISOString(), BOOKED);
    assert.match(d.state!.confirmationNumber, /^RSV-2030-\d{6}$/);
  });
});

Deno.test("decide confirm: given a pending hold, the payment sells its nights", () => {
  at("2030-05-01T10:05:00Z").given(pending).when({ type: "confirm", paymentId: "pay_1" }).then(
    (d) => {
      assert.deepEqual(events(d), [{
        type: "reservation.confirmed",
        occurredAt: "2030-05-01T10:05:00.000Z",
        data: {
          reservationId: pending.id,
          confirmationNumber: pending.confirmationNumber,
          userId: "u1",
          paymentId: "pay_1",
        },
      }]);
      assert.deepEqual(d.deltas, [
        { r: "room", d: "2030-06-01", h: -1, s: 1 },
        { r: "room", d: "2030-06-02", h: -1, s: 1 },
      ]);
      assert.equal(d.state!.status, "confirmed");
      assert.equal(d.state!.version, pending.version + 1);
      assert.equal(d.state!.updatedAt.toISOString(), "2030-05-01T10:05:00.000Z");
    },
  );
});

Deno.test("decide confirm: a payment after the hold is refused, and so is a second one", () => {
  at("2030-05-01T10:15:00Z").given(pending).when({ type: "confirm", paymentId: "pay_1" })
    .thenRefuses("hold_expired");
  at("2030-05-01T10:06:00Z").given(confirmed).when({ type: "confirm", paymentId: "pay_2" })
    .thenRefuses("invalid_transition");
});

Deno.test("decide cancel: a confirmed stay gives back what it sold, a pending one what it held", () => {
  at("2030-05-02T08:00:00Z").given(confirmed).when({ type: "cancel", reason: "plans changed" })
    .then(
      (d) => {
        assert.deepEqual(events(d).map((e) => [e.type, e.occurredAt, e.data]), [[
          "reservation.cancelled",
          "2030-05-02T08:00:00.000Z",
          {
            reservationId: confirmed.id,
            confirmationNumber: confirmed.confirmationNumber,
            userId: "u1",
            reason: "plans changed",
            previousStatus: "confirmed",
          },
        ]]);
        assert.deepEqual(d.deltas.map((x) => [x.d, x.h, x.s]), [
          ["2030-06-01", 0, -1],
          ["2030-06-02", 0, -1],
        ]);
        assert.equal(d.state!.status, "cancelled");
      },
    );
  at("2030-05-01T10:01:00Z").given(pending).when({ type: "cancel" }).then((d) => {
    assert.deepEqual(d.deltas.map((x) => [x.h, x.s]), [[-1, 0], [-1, 0]]);
  });
});

Deno.test("decide expire: only a pending hold past its time expires", () => {
  at("2030-05-01T10:15:00Z").given(pending).when({ type: "expire", reason: "hold expired" }).then(
    (d) => {
      assert.deepEqual(events(d).map((e) => e.type), ["reservation.expired"]);
      assert.deepEqual(d.deltas.map((x) => [x.h, x.s]), [[-1, 0], [-1, 0]]);
      assert.equal(d.state!.status, "expired");
    },
  );
  at("2030-05-01T10:14:59Z").given(pending).when({ type: "expire" }).thenRefuses("hold_active");
  at("2030-05-01T11:00:00Z").given(confirmed).when({ type: "expire" }).thenRefuses(
    "invalid_transition",
  );
});

Deno.test("decide modify: one night fewer is made at once, one more waits for its payment", () => {
  const given = at("2030-05-03T09:00:00Z").given(confirmed);
  given.when({ type: "modify", items: [room("2030-06-01", "2030-06-02")], priceOf }).then((d) => {
    assert.deepEqual(events(d).map((e) => e.type), ["reservation.modified"]);
    assert.deepEqual(d.deltas, [{ r: "room", d: "2030-06-02", h: 0, s: -1 }]);
    assert.equal(d.state!.total, 12000);
  });
  given.when({ type: "modify", items: [room("2030-06-01", "2030-06-04")], priceOf }).then((d) => {
    assert.deepEqual(events(d).map((e) => e.type), ["reservation.modification_requested"]);
    assert.deepEqual(d.deltas, [{ r: "room", d: "2030-06-03", h: 1, s: 0 }]);
    assert.equal(d.state!.total, 27000, "the booking stands until the difference is paid");
    assert.equal(d.state!.pendingChange?.total, 37000);
    assert.equal(d.state!.pendingChange?.requestedAt, "2030-05-03T09:00:00.000Z");
  });
  at("2030-05-03T09:00:00Z").given({ ...confirmed, status: "cancelled" })
    .when({ type: "modify", items: [room("2030-06-01", "2030-06-02")], priceOf })
    .thenRefuses("invalid_transition");
});

Deno.test("decide price: a new base price is a price command, no event, no units moved", () => {
  at(BOOKED).given(null).when({
    type: "price",
    resourceId: "room",
    date: "2030-06-01",
    price: 9900,
  })
    .then((d) => {
      assert.deepEqual(d.command, {
        kind: "price",
        resourceId: "room",
        date: "2030-06-01",
        price: 9900,
      });
      assert.deepEqual([d.events, d.deltas, d.state], [[], [], null]);
    });
});

Deno.test("decide: a change of a reservation that was not found is not_found", () => {
  at(BOOKED).given(null).when({ type: "cancel" }).thenRefuses("not_found");
});
