/**
 * The README's walk-through as an integrator writes it: a client generated from
 * `/openapi.json` with openapi-typescript, called through openapi-fetch. `berth.d.ts` is what
 * openapi-typescript writes; `api/docs/client_test.ts` generates it beside a copy of this file
 * in a temporary folder, type-checks both with `deno check` and runs the walk against the api.
 * (This folder is excluded from the repository's own checks: `berth.d.ts` exists only there.)
 */
import createClient from "openapi-fetch";
import type { paths } from "./berth.d.ts";

/** What the walk saw, for the test to judge. */
export interface Walked {
  confirmationNumber: string;
  status:
    | "pending"
    | "confirmed"
    | "checked_in"
    | "checked_out"
    | "cancelled"
    | "expired"
    | "failed";
  total: number;
  freeSeats: string[];
  cancelledAgain: boolean;
}

/** Fails with the problem the api answered. */
function must<T>(r: { data?: T; error?: unknown; response: Response }): T {
  if (r.data === undefined) {
    throw new Error(`${r.response.status} ${r.response.url}: ${JSON.stringify(r.error)}`);
  }
  return r.data;
}

/** From an empty platform to a booked room and a booked seat, as the README does it. */
export async function walkThrough(baseUrl: string, adminKey: string, from: string, to: string) {
  const admin = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${adminKey}` } });
  const property = must(
    await admin.POST("/v1/properties", {
      body: { name: "Harbour Hotel", timezone: "Europe/Amsterdam", currency: "EUR" },
    }),
  );
  const path = { propertyId: property.id };
  const room = must(
    await admin.POST("/v1/properties/{propertyId}/resources", {
      params: { path },
      body: { name: "Double room", kind: "room" },
    }),
  );
  const show = must(
    await admin.POST("/v1/properties/{propertyId}/resources", {
      params: { path },
      body: { name: "Friday show", kind: "seat", seats: ["A1", "A2", "A3", "A4"] },
    }),
  );
  for (const [resource, total] of [[room, 10], [show, undefined]] as const) {
    must(
      await admin.PUT("/v1/properties/{propertyId}/resources/{resourceId}/inventory", {
        params: { path: { ...path, resourceId: resource.id } },
        body: { from, to, total, price: resource.kind === "seat" ? 4500 : 12000 },
      }),
    );
  }
  const key = must(await admin.POST("/v1/api-keys", { body: { name: "desk", role: "client" } }));
  const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${key.key}` } });

  const availability = must(
    await client.GET("/v1/availability", {
      params: { query: { propertyId: property.id, from, to } },
    }),
  );
  const guest = { name: "Ada Lovelace", email: "ada@example.com" };
  const booked = must(
    await client.POST("/v1/reservations", {
      params: { header: { "Idempotency-Key": `room-${property.id}` } },
      body: {
        propertyId: property.id,
        userId: "guest-42",
        guest,
        items: [{ resourceId: room.id, from, to, quantity: 1 }],
        payment: { token: "tok_ok_visa" },
      },
    }),
  );
  // @ts-expect-error: the spec has no such field, so a typo does not compile
  booked.confirmationNumbr;
  const seat = must(
    await client.POST("/v1/reservations", {
      params: { header: { "Idempotency-Key": `seat-${property.id}` } },
      body: {
        propertyId: property.id,
        userId: "guest-42",
        guest,
        items: [{ resourceId: show.id, from, to, seats: ["A2"] }],
        payment: { token: "tok_ok_visa" },
      },
    }),
  );
  const read = must(
    await client.GET("/v1/reservations/{id}", { params: { path: { id: booked.id } } }),
  );
  const cancel = () =>
    client.POST("/v1/reservations/{id}/cancel", {
      params: { path: { id: seat.id }, header: { "Idempotency-Key": `cancel-${seat.id}` } },
    });
  must(await cancel());
  const again = await cancel();
  return {
    confirmationNumber: read.confirmationNumber,
    status: read.status,
    total: booked.total,
    freeSeats: availability.resources.find((r) => r.kind === "seat")?.dates[0].freeSeats ?? [],
    cancelledAgain: again.response.headers.get("Idempotent-Replayed") === "true" &&
      again.data?.status === "cancelled",
  } satisfies Walked;
}
