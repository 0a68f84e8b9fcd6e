/**
 * The catalogue the hostile-input suite attacks, made through the api, and one valid request
 * per route against it: the suite mutates these, so most of its requests reach the handlers.
 */
import type { Sql } from "../../../shared/db/mod.ts";
import { changeStatus, localDate } from "../../../shared/booking/mod.ts";
import type { testApp } from "../../../testing/app.ts";
import { booking, seedCatalogue } from "../../../testing/app.ts";
import type { Example } from "./arbitraries.ts";

type Call = ReturnType<typeof testApp>["call"];

/** What the suite knows of the catalogue: ids to aim at and the client key's secret. */
export interface World {
  propertyId: string;
  roomId: string;
  showId: string;
  /** pending, then one per state a state change starts from, then one made by the client key */
  reservations: {
    pending: string;
    toCancel: string;
    confirmed: string;
    checkedIn: string;
    client: string;
    spare: string[];
  };
  webhookId: string;
  /** a webhook the DELETE example removes */
  doomedWebhookId: string;
  clientKey: string;
  /** a client key the DELETE example revokes (never the one the suite calls with) */
  doomedKeyId: string;
  userId: string;
  /** a second property with a room, for ids that exist but belong elsewhere */
  elsewhere: { propertyId: string; roomId: string };
  /** every id above: what a path parameter is swapped for (a valid id of another route) */
  ids: string[];
}

const must = (r: Awaited<ReturnType<Call>>, what: string) => {
  if (r.status >= 300) throw new Error(`seeding ${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

/** Seeds the catalogue of `seedCatalogue`, reservations in every state, webhooks and keys. */
export async function seedWorld(call: Call, sql: Sql, now: () => Date): Promise<World> {
  const { propertyId, roomId, showId } = await seedCatalogue(call);
  const userId = "guest-hostile";
  const stay = (from: string, to: string) => [{ resourceId: roomId, from, to, quantity: 1 }];
  const book = async (items: unknown[], key?: string) =>
    must(
      await call(
        "POST",
        "/v1/reservations",
        { ...booking(propertyId, items), userId },
        { "idempotency-key": crypto.randomUUID() },
        key,
      ),
      "a reservation",
    ).id as string;
  const client = must(
    await call("POST", "/v1/api-keys", { name: "hostile client", role: "client" }),
    "the client key",
  );
  const doomedKey = must(
    await call("POST", "/v1/api-keys", { name: "doomed", role: "client" }),
    "a spare key",
  );
  const pending = await book(stay("2030-06-01", "2030-06-03"));
  const toCancel = await book([{
    resourceId: showId,
    from: "2030-06-02",
    to: "2030-06-03",
    seats: ["A1"],
  }]);
  // Check-in opens on the arrival date at the property: these two arrive today there.
  const day = (n: number) =>
    localDate(new Date(now().getTime() + n * 86_400_000), "Europe/Amsterdam");
  must(
    await call("PUT", `/v1/properties/${propertyId}/resources/${roomId}/inventory`, {
      from: day(0),
      to: day(2),
      total: 10,
      price: 12000,
    }),
    "today's rooms",
  );
  const confirmed = await book(stay(day(0), day(1)));
  const checkedIn = await book(stay(day(0), day(1)));
  const ctx = { now: now(), correlationId: "hostile-seed" };
  for (const id of [confirmed, checkedIn]) await changeStatus(sql, id, "confirm", ctx);
  await changeStatus(sql, checkedIn, "checkIn", ctx);
  const mine = await book(stay("2030-06-05", "2030-06-06"), client.key);
  const spare = [
    await book(stay("2030-06-06", "2030-06-07")),
    await book([{ resourceId: showId, from: "2030-06-03", to: "2030-06-04", seats: ["A2", "A3"] }]),
  ];
  await changeStatus(sql, spare[0], "confirm", ctx);
  const hook = { url: "https://hooks.example.com/berth", events: ["reservation.confirmed"] };
  const webhook = must(
    await call("POST", `/v1/properties/${propertyId}/webhooks`, hook),
    "a webhook",
  );
  const doomedHook = must(
    await call("POST", `/v1/properties/${propertyId}/webhooks`, hook),
    "a webhook",
  );
  must(
    await call("PUT", `/v1/properties/${propertyId}/resources/${roomId}/rate-rules`, {
      tiers: [{ occupancy: 0.5, multiplier: 1.25 }],
      floor: 10000,
      ceiling: 20000,
    }),
    "rate rules",
  );
  const reservations = { pending, toCancel, confirmed, checkedIn, client: mine, spare };
  const elsewhere = await seedCatalogue(call);
  return {
    propertyId,
    roomId,
    showId,
    reservations,
    webhookId: webhook.id,
    doomedWebhookId: doomedHook.id,
    clientKey: client.key,
    doomedKeyId: doomedKey.id,
    userId,
    elsewhere: { propertyId: elsewhere.propertyId, roomId: elsewhere.roomId },
    ids: [
      propertyId,
      roomId,
      showId,
      pending,
      toCancel,
      confirmed,
      checkedIn,
      mine,
      ...spare,
      webhook.id,
      doomedHook.id,
      client.id,
      doomedKey.id,
      userId,
      elsewhere.propertyId,
      elsewhere.roomId,
    ],
  };
}

/**
 * A valid request for every route, keyed `METHOD /path` as Hono lists it, or several where the
 * route branches (a room or a seat map). A route missing here fails the suite: add its example
 * when adding the route. They sit close to the rules behind the validator (a total just above
 * what is booked, the last rooms), so that one mutation crosses them.
 */
export function examplesOf(w: World): Record<string, Example | Example[]> {
  const resource = { propertyId: w.propertyId, resourceId: w.roomId };
  const range = { from: "2030-06-01", to: "2030-06-08" };
  const reason = { reason: "the guest asked" };
  return {
    "GET /health": {},
    "GET /ready": {},
    "GET /metrics": {},
    "GET /openapi.json": {},
    "GET /docs": {},
    "GET /ops": {},
    "GET /ops/client.js": {},
    "GET /v1/ops/summary": {},
    "POST /v1/api-keys": { body: { name: "front desk", role: "client" } },
    "GET /v1/api-keys": {},
    "DELETE /v1/api-keys/:id": { params: { id: w.doomedKeyId } },
    "POST /v1/reservations": [
      {
        body: {
          ...booking(w.propertyId, [
            { resourceId: w.roomId, from: "2030-06-02", to: "2030-06-04", quantity: 1 },
          ]),
          userId: w.userId,
        },
      },
      {
        body: {
          ...booking(w.propertyId, [
            { resourceId: w.showId, from: "2030-06-04", to: "2030-06-05", seats: ["A3", "A4"] },
          ]),
          userId: w.userId,
        },
      },
    ],
    "GET /v1/reservations/:id": { params: { id: w.reservations.pending } },
    "PATCH /v1/reservations/:id": {
      params: { id: w.reservations.pending },
      body: {
        items: [{ resourceId: w.roomId, from: "2030-06-01", to: "2030-06-04", quantity: 2 }],
      },
    },
    "POST /v1/reservations/:id/cancel": { params: { id: w.reservations.toCancel }, body: reason },
    "POST /v1/reservations/:id/check-in": {
      params: { id: w.reservations.confirmed },
      body: reason,
    },
    "POST /v1/reservations/:id/check-out": {
      params: { id: w.reservations.checkedIn },
      body: reason,
    },
    "GET /v1/properties/:propertyId/reservations": [
      {
        params: { propertyId: w.propertyId },
        query: { status: "pending,confirmed", arrival: "2030-06-01", limit: "2" },
      },
      {
        params: { propertyId: w.propertyId },
        query: {
          email: "ADA@example.com",
          staying: "today",
          from: "2030-06-01",
          to: "2030-06-08",
          updatedSince: "2030-01-01T00:00:00Z",
        },
      },
      {
        params: { propertyId: w.propertyId },
        query: { confirmationNumber: "RSV-2030-000001", departure: "today" },
      },
    ],
    "GET /v1/audit": { query: { reservationId: w.reservations.pending, limit: "10" } },
    "GET /v1/users/:userId/reservations": {
      params: { userId: w.userId },
      query: { status: "pending", limit: "10" },
    },
    "GET /v1/properties/:propertyId/kpis": { params: { propertyId: w.propertyId }, query: range },
    "PUT /v1/properties/:propertyId/resources/:resourceId/rate-rules": {
      params: resource,
      body: {
        tiers: [{ occupancy: 0.5, multiplier: 1.25 }, { occupancy: 0.9, multiplier: 2 }],
        floor: 10000,
        ceiling: 30000,
      },
    },
    "GET /v1/properties/:propertyId/resources/:resourceId/rate-rules": { params: resource },
    "GET /v1/properties/:propertyId/resources/:resourceId/rates": {
      params: resource,
      query: range,
    },
    "GET /v1/rates/applied": { query: { reservationId: w.reservations.pending } },
    "POST /v1/properties": {
      body: {
        name: "Dune Lodge",
        timezone: "Europe/Lisbon",
        currency: "EUR",
        cancellationPolicy: { freeCancelHours: 48, lateRefundPercent: 50 },
      },
    },
    "GET /v1/properties": { query: { limit: "1" } },
    "GET /v1/properties/:propertyId": { params: { propertyId: w.propertyId } },
    "POST /v1/properties/:propertyId/resources": [
      {
        params: { propertyId: w.propertyId },
        body: { name: "Balcony", kind: "seat", seats: ["B1"] },
      },
      { params: { propertyId: w.propertyId }, body: { name: "Suite", kind: "room" } },
    ],
    "GET /v1/properties/:propertyId/resources": { params: { propertyId: w.propertyId } },
    "PUT /v1/properties/:propertyId/resources/:resourceId/inventory": [
      { params: resource, body: { from: "2030-06-01", to: "2030-06-08", total: 12, price: 13000 } },
      {
        params: { propertyId: w.propertyId, resourceId: w.showId },
        body: { from: "2030-06-01", to: "2030-06-08", price: 4600 },
      },
    ],
    "GET /v1/properties/:propertyId/resources/:resourceId/inventory": {
      params: resource,
      query: range,
    },
    "GET /v1/availability": {
      query: { propertyId: w.propertyId, resourceId: w.roomId, ...range },
    },
    "POST /v1/properties/:propertyId/webhooks": {
      params: { propertyId: w.propertyId },
      body: {
        url: "https://hooks.example.com/channel",
        events: ["reservation.created", "payment.refunded"],
        description: "channel manager",
      },
    },
    "GET /v1/properties/:propertyId/webhooks": { params: { propertyId: w.propertyId } },
    "GET /v1/webhooks/:webhookId": { params: { webhookId: w.webhookId } },
    "DELETE /v1/webhooks/:webhookId": { params: { webhookId: w.doomedWebhookId } },
    "POST /v1/webhooks/:webhookId/enable": { params: { webhookId: w.webhookId } },
    "GET /v1/webhooks/:webhookId/deliveries": {
      params: { webhookId: w.webhookId },
      query: { limit: "20" },
    },
  };
}
