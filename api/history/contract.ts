/** Booking history's operation as clients see it (see `api/http/openapi.ts` for the style). */
import { z } from "zod";
import { cursorParam, json, operation, pageSchema } from "../http/mod.ts";
import { reservationSchemas as res } from "../reservations/mod.ts";
import { catalogueSchemas as cat } from "../catalogue/mod.ts";

export const userParam = z.object({ userId: res.userId.meta({ example: "guest-42" }) });

export const historyQuery = z.object({
  status: res.status.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: cursorParam.optional(),
}).strict();

/** One booking of a user, as the history projection keeps it. */
const booking = z.object({
  id: z.uuid(),
  propertyId: cat.id,
  confirmationNumber: z.string().meta({ example: "RSV-2027-004211" }),
  status: res.status,
  from: cat.day,
  to: cat.day,
  total: z.number().int(),
  currency: z.string(),
  items: z.array(res.itemView).meta({ description: "the booked lines" }),
  bookedAt: cat.instant,
  updatedAt: cat.instant,
});

export const userReservations = operation({
  method: "get",
  path: "/v1/users/{userId}/reservations",
  operationId: "listUserReservations",
  tags: ["reservations"],
  summary: "Booking history of a user (a projection of the reservation events)",
  description:
    "Newest booking first, a page at a time. A client key sees the bookings it made; the projection " +
    "follows the events, so a booking shows a moment after its answer.",
  role: "key",
  request: { params: userParam, query: historyQuery },
  responses: {
    200: json(pageSchema(booking).extend({ userId: z.string() }), "a page of the user's bookings"),
  },
});
