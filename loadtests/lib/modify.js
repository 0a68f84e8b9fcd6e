// A reservation modification: new items for an existing reservation.
import http from "k6/http";
import { BASE, params, uid } from "./berth.js";

/** Moves reservation `id` to `item` (same resource, other dates). */
export function modify(key, id, item) {
  return http.request(
    "PATCH",
    `${BASE}/v1/reservations/${id}`,
    JSON.stringify({ items: [item] }),
    params(key, {
      headers: { "Idempotency-Key": uid() },
      tags: { name: "PATCH /v1/reservations/:id" },
    }),
  );
}
