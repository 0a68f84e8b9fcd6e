/** Reservations' operations as clients see them (see `api/http/openapi.ts` for the style). */
import { z } from "zod";
import { json, operation, pageSchema } from "../http/mod.ts";
import * as s from "./schemas.ts";
import { catalogueSchemas as cat } from "../catalogue/mod.ts";

/** The Idempotency-Key header of a write to a reservation. */
function idempotencyHeader(required: boolean) {
  const { type, pattern } = z.toJSONSchema(s.idempotencyKey) as { type: "string"; pattern: string };
  return {
    name: "Idempotency-Key",
    in: "header" as const,
    required,
    schema: { type, pattern },
    description: "Scoped to the API key. The same key and request (method, path, body) " +
      "replays the first answer with `Idempotent-Replayed: true`; another request is 409 " +
      "`idempotency_conflict`. Kept BERTH_IDEMPOTENCY_TTL_HOURS (24).",
  };
}

/** The If-Match of a change to a reservation. */
const ifMatch = {
  name: "If-Match",
  in: "header" as const,
  required: false,
  schema: { type: "string" as const },
  description: 'the ETag (version) the change was decided on, as `"3"`; another is 412 ' +
    "`precondition_failed`. Without it the change is made to whatever stands.",
};

/** A reservation answer: its version as a strong ETag. */
function withVersion(description: string) {
  return {
    ...json(s.reservation, description),
    headers: z.object({ ETag: z.string().meta({ example: '"3"' }) }),
  };
}

const changeBody = {
  required: false,
  content: { "application/json": { schema: s.changeBody } },
};

export const createReservation = operation({
  method: "post",
  path: "/v1/reservations",
  operationId: "createReservation",
  tags: ["reservations"],
  summary: "Book: hold inventory until holdExpiresAt; payment confirms it",
  description: "The answer is `pending`; the payments service authorizes `payment.token` and " +
    "the reservation becomes `confirmed` (or `failed`), or `expired` when the hold runs out.",
  role: "key",
  parameters: [idempotencyHeader(true)],
  request: {
    body: { required: true, content: { "application/json": { schema: s.createReservation } } },
  },
  responses: { 201: withVersion("the pending reservation, or the first answer again") },
  errors: {
    400: ["date_in_past"],
    404: ["not_found"],
    409: ["sold_out", "idempotency_conflict", "conflict"],
  },
});

export const getReservation = operation({
  method: "get",
  path: "/v1/reservations/{id}",
  operationId: "getReservation",
  tags: ["reservations"],
  summary: "A reservation with its status history",
  description: "A client key sees only the reservations it made (others are 404).",
  role: "key",
  request: { params: s.reservationParam },
  responses: {
    200: {
      ...json(s.reservationWithHistory, "the reservation"),
      headers: z.object({ ETag: z.string().meta({ example: '"3"' }) }),
    },
  },
  errors: { 404: ["not_found"] },
});

export const modifyReservation = operation({
  method: "patch",
  path: "/v1/reservations/{id}",
  operationId: "modifyReservation",
  tags: ["reservations"],
  summary: "Change dates, quantities or seats atomically",
  description: "A change that does not raise the total is made at once (200) and the " +
    "difference goes back to the card. One that raises it is 202: the booking stands as it " +
    "was, with the change in `pendingModification`, until the difference is authorized.",
  role: "key",
  parameters: [idempotencyHeader(false), ifMatch],
  request: {
    params: s.reservationParam,
    body: { required: true, content: { "application/json": { schema: s.modifyReservation } } },
  },
  responses: {
    200: withVersion("changed; `adjustment` says what happens on the card"),
    202: withVersion("the change waits for the payment of the difference"),
  },
  errors: {
    400: ["date_in_past"],
    404: ["not_found"],
    409: [
      "sold_out",
      "invalid_transition",
      "modification_pending",
      "idempotency_conflict",
      "conflict",
    ],
    412: ["precondition_failed"],
  },
});

/** A state change of a reservation: cancel, check in, check out. */
function stateChange(
  name: "cancel" | "check-in" | "check-out",
  operationId: string,
  summary: string,
  errors409: string[],
  answered = "",
) {
  return operation({
    method: "post",
    path: `/v1/reservations/{id}/${name}`,
    operationId,
    tags: ["reservations"],
    summary,
    description: "409 `invalid_transition` when the reservation's state does not allow it. " +
      "The body is optional.",
    role: "key",
    parameters: [idempotencyHeader(false), ifMatch],
    request: { params: s.reservationParam, body: changeBody },
    responses: { 200: withVersion(`the reservation in its new state${answered}`) },
    errors: {
      404: ["not_found"],
      409: ["invalid_transition", ...errors409, "idempotency_conflict", "conflict"],
      412: ["precondition_failed"],
    },
  });
}

export const cancelReservation = stateChange(
  "cancel",
  "cancelReservation",
  "Cancel; releases inventory, refund per the property's policy",
  [],
  "; `refund` says what goes back",
);
export const checkIn = stateChange(
  "check-in",
  "checkInReservation",
  "Check in a confirmed reservation, from its arrival date at the property",
  ["too_early"],
);
export const checkOut = stateChange(
  "check-out",
  "checkOutReservation",
  "Check out a checked-in reservation",
  [],
);

export const searchReservations = operation({
  method: "get",
  path: "/v1/properties/{propertyId}/reservations",
  operationId: "searchReservations",
  tags: ["reservations"],
  summary: "Search a property's reservations (status, stay dates, confirmation number, " +
    "guest e-mail, updatedSince), oldest booking first, a page at a time",
  description: "Every filter given must hold; `arrival`, `departure` and `staying` take a date " +
    "or `today` at the property. A client key finds only the reservations it made.",
  role: "key",
  request: { params: cat.propertyParam, query: s.searchQuery },
  responses: {
    200: json(
      pageSchema(s.reservation).extend({ propertyId: cat.id }),
      "a page of the reservations found",
    ),
  },
  errors: { 404: ["not_found"] },
});
