import assert from "node:assert/strict";
import { jetstream } from "@nats-io/jetstream";
import { connectAs, eventually, integration } from "../../testing/mod.ts";
import type { Envelope } from "../../shared/events/mod.ts";
import {
  eventKeysFrom,
  generateEventKey,
  makeEvent,
  sealEvent,
  subjectOf,
} from "../../shared/events/mod.ts";
import { booking, seedCatalogue, testApp } from "../../testing/app.ts";
import { listDeadLetters, runService } from "../runtime/mod.ts";
import { platform } from "../../testing/platform.ts";
import { reservationsService } from "./service.ts";
import { uuidv7 } from "../../shared/ids/mod.ts";

/**
 * Whoever may publish events on NATS (here with the valid credentials of the operator's `cli`
 * role, which may publish any event for `dlq replay`; the consuming services may not publish
 * events at all, see cli/infra/natsauth_test.ts) still cannot confirm a reservation: a `payment.authorized` signed with a key the platform does not
 * accept, one not signed at all, and a genuine one replayed with another reservation and amount
 * all go to the DLQ with their reason and change nothing; a genuine one then confirms.
 */
integration("forged payment.authorized never confirms a reservation", async () => {
  const p = await platform();
  const { call } = testApp(p.sql);
  const stop = new AbortController();
  const running = runService({
    sql: p.sql,
    nc: p.nc,
    service: reservationsService(),
    signal: stop.signal,
  });
  const intruder = await connectAs(p.server.url, "cli");
  try {
    const { propertyId, roomId } = await seedCatalogue(call);
    const book = async (from: string, to: string) => {
      const r = await call(
        "POST",
        "/v1/reservations",
        booking(propertyId, [
          { resourceId: roomId, from, to },
        ]),
        { "idempotency-key": crypto.randomUUID() },
      );
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body as { id: string; total: number };
    };
    const status = async (id: string) =>
      (await p.sql`select status from reservations where id = ${id}`)[0].status;
    const authorized = (reservationId: string, amount: number) =>
      makeEvent("payment.authorized", propertyId, {
        reservationId,
        paymentId: `pay_${reservationId.slice(-6)}`,
        amount,
        currency: "EUR",
      }, { correlationId: reservationId, now: new Date(), id: uuidv7() });
    const send = (e: Envelope, payload: string) =>
      jetstream(intruder).publish(subjectOf(e.type, e.propertyId), payload, { msgID: e.id });

    // A genuine authorization, signed with the platform's key as the payments service signs.
    const paid = await book("2030-06-01", "2030-06-02");
    const genuine = await sealEvent(authorized(paid.id, paid.total));
    await jetstream(p.nc).publish(subjectOf("payment.authorized", propertyId), genuine);
    await eventually(async () => (await status(paid.id)) === "confirmed", 10_000, "confirmed");

    const target = await book("2030-06-03", "2030-06-05");
    const otherKey = await eventKeysFrom({
      BERTH_EVENT_SIGNING_KEY: (await generateEventKey("notifications-1")).signing,
    });
    const forged = authorized(target.id, target.total);
    await send(forged, await sealEvent(forged, otherKey));
    const unsigned = authorized(target.id, target.total);
    await send(unsigned, JSON.stringify(unsigned));
    const replayed = JSON.parse(genuine);
    replayed.id = crypto.randomUUID();
    replayed.data.reservationId = target.id;
    replayed.data.amount = target.total;
    await send(replayed, JSON.stringify(replayed));

    const letters = await eventually(
      async () => {
        const all = await listDeadLetters(p.jsm);
        return all.length === 3 ? all : null;
      },
      10_000,
      "three dead letters",
    );
    const reasons = Object.fromEntries(letters.map((l) => [JSON.parse(l.payload).id, l.error]));
    assert.match(reasons[forged.id], /signed with key notifications-1, which is not accepted/);
    assert.match(reasons[unsigned.id], /is not signed/);
    assert.match(reasons[replayed.id], /signature does not match/);
    assert.ok(letters.every((l) => l.service === "reservations" && l.attempts === 0));
    assert.equal(await status(target.id), "pending");
    const [{ applied }] = await p.sql`
      select count(*)::int as applied from consumer_inbox
      where event_id = any(${[forged.id, unsigned.id, replayed.id]}::uuid[])
        and outcome = 'applied'`;
    assert.equal(applied, 0);

    // The reservation was only waiting: its genuine authorization confirms it.
    const real = authorized(target.id, target.total);
    await send(real, await sealEvent(real));
    await eventually(async () => (await status(target.id)) === "confirmed", 10_000, "confirmed");
  } finally {
    stop.abort();
    await running;
    await intruder.close();
    await p.close();
  }
});
