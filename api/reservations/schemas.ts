import { z } from "zod";
import { dateRange, day, id, instant, isoDate, seatName } from "../catalogue/mod.ts";
import { cursorParam, limitParam } from "../http/mod.ts";
import { MAX_QUANTITY, statuses } from "../../shared/booking/mod.ts";

export const item = dateRange({
  resourceId: id.meta({ example: "r_double" }),
  quantity: z.number().int().positive().max(MAX_QUANTITY).optional().meta({ example: 1 }),
  seats: z.array(seatName).min(1).max(1_000).optional(),
}).strict();

/** The caller's own id for the guest's account. */
export const userId = z.string().trim().min(1).max(128).meta({ example: "guest-42" });

/** An address SMTP can carry: 254 characters in all, 64 before the `@` (RFC 5321). */
export const email = z.email().max(254).refine(
  (e) => e.lastIndexOf("@") <= 64,
  "at most 64 characters before the @",
);

export const createReservation = z.object({
  propertyId: id,
  userId,
  guest: z.object({
    name: z.string().trim().min(1).max(200).meta({ example: "Ada Lovelace" }),
    email: email.meta({ example: "ada@example.com" }),
  }).strict(),
  items: z.array(item).min(1).max(50),
  payment: z.object({
    token: z.string().min(1).max(200).meta({
      description: "the payment method; the simulator: tok_ok… authorizes, tok_decline… " +
        "is declined, tok_slow… times out",
      example: "tok_ok_visa",
    }),
  }).strict(),
}).strict();

export const modifyReservation = z.object({ items: z.array(item).min(1).max(50) }).strict();

export const changeBody = z.object({ reason: z.string().trim().min(1).max(500).optional() })
  .strict();

export const reservationParam = z.object({ id: z.uuid() });

export const idempotencyKey = z.string().regex(
  /^[\x21-\x7e]{1,255}$/,
  "1 to 255 printable ASCII characters",
);

export const status = z.enum(statuses);
const statusWord = `(${statuses.join("|")})`;

/** One or more statuses, comma-separated: `confirmed,checked_in`. */
export const statusList = z.string().max(200).regex(
  new RegExp(`^${statusWord}(,${statusWord})*$`),
  `one or more of ${statuses.join(", ")}, comma-separated`,
);

/** A date, or `today` at the property. */
const dayOrToday = z.union([z.literal("today"), isoDate], {
  error: "a YYYY-MM-DD date in berth's window, or today",
});

/** `GET /v1/properties/:propertyId/reservations`: every filter given must hold. */
export const searchQuery = z.object({
  status: statusList.optional(),
  /** Staying a night (a day) of [from, to). */
  from: isoDate.optional(),
  to: isoDate.optional(),
  arrival: dayOrToday.optional(),
  departure: dayOrToday.optional(),
  /** Staying the night (the day) of this date: in house. */
  staying: dayOrToday.optional(),
  confirmationNumber: z.string().trim().min(1).max(64).optional(),
  email: z.string().trim().min(1).max(254).optional(),
  updatedSince: z.iso.datetime({ offset: true })
    .refine((t) => Date.parse(t) >= 0, "from 1970 on").optional(),
  limit: limitParam(),
  cursor: cursorParam.optional(),
}).strict().check((ctx) => {
  const { from, to } = ctx.value;
  if (from && to && from >= to) {
    ctx.issues.push({ code: "custom", path: ["to"], message: "must be after from", input: to });
  }
});

/** A booked line and what it costs. */
export const itemView = z.object({
  resourceId: id.meta({ example: "r_double" }),
  kind: z.enum(["room", "unit", "seat"]),
  from: day,
  to: day.meta({ example: "2027-06-03" }),
  quantity: z.number().int(),
  seats: z.array(z.string()).optional(),
  amount: z.number().int().meta({ description: "minor units", example: 24000 }),
});

/** What a cancellation gives back (`shared/booking/money.ts`). */
const refund = z.object({
  amount: z.number().int().meta({ description: "minor units back to the guest" }),
  kept: z.number().int().meta({ description: "minor units the property keeps" }),
  currency: z.string(),
  rule: z.enum(["unconfirmed", "free", "late"]),
  freeUntil: instant.meta({ description: "until then a cancellation gave everything back" }),
  policy: z.object({ freeCancelHours: z.number().int(), lateRefundPercent: z.number().int() }),
});

/** What a modification does to the payment (`shared/booking/money.ts`). */
const adjustment = z.object({
  previousTotal: z.number().int(),
  newTotal: z.number().int(),
  difference: z.number().int(),
  currency: z.string(),
  payment: z.enum(["authorize", "release", "none"]),
});

/** A reservation as the api shows it. */
export const reservation = z.object({
  id: z.uuid(),
  confirmationNumber: z.string().meta({ example: "RSV-2027-004211" }),
  propertyId: id,
  userId: z.string().meta({ example: "guest-42" }),
  status,
  version: z.number().int().meta({
    description: 'bumped by every change; its ETag (`"3"`), which If-Match may name',
    example: 3,
  }),
  guest: z.object({
    name: z.string().meta({ example: "Ada Lovelace" }),
    email: z.string().meta({ example: "ada@example.com" }),
  }),
  items: z.array(itemView),
  total: z.number().int().meta({ description: "minor units of `currency`", example: 24000 }),
  currency: z.string().meta({ example: "EUR" }),
  holdExpiresAt: instant.meta({ description: "a pending booking's hold ends then" }),
  createdAt: instant,
  updatedAt: instant,
  pendingModification: z.object({
    id: z.uuid(),
    items: z.array(itemView),
    total: z.number().int(),
    requestedAt: instant,
  }).optional().meta({
    description: "a change that raises the total, waiting for the difference's payment",
  }),
  refund: refund.optional().meta({
    description: "in the answer to a cancellation: what goes back under the property's policy",
  }),
  adjustment: adjustment.optional().meta({
    description: "in the answer to a modification: the new total and what happens on the card",
  }),
}).meta({ id: "Reservation" });

/** A reservation with every status it went through. */
export const reservationWithHistory = reservation.extend({
  history: z.array(z.object({
    status,
    reason: z.string().nullable(),
    at: instant,
  })),
}).meta({ id: "ReservationWithHistory" });
