import { z } from "zod";
import { dateRange, id, isoDate, seatName } from "../catalogue/schemas.ts";
import { cursorParam, limitParam } from "../http/cursor.ts";
import { MAX_QUANTITY } from "../../shared/booking/mod.ts";

export const item = dateRange({
  resourceId: id,
  quantity: z.number().int().positive().max(MAX_QUANTITY).optional(),
  seats: z.array(seatName).min(1).max(1_000).optional(),
}).strict();

/** The caller's own id for the guest's account. */
export const userId = z.string().trim().min(1).max(128);

/** An address SMTP can carry: 254 characters in all, 64 before the `@` (RFC 5321). */
export const email = z.email().max(254).refine(
  (e) => e.lastIndexOf("@") <= 64,
  "at most 64 characters before the @",
);

export const createReservation = z.object({
  propertyId: id,
  userId,
  guest: z.object({
    name: z.string().trim().min(1).max(200),
    email,
  }).strict(),
  items: z.array(item).min(1).max(50),
  payment: z.object({ token: z.string().min(1).max(200) }).strict(),
}).strict();

export const modifyReservation = z.object({ items: z.array(item).min(1).max(50) }).strict();

export const changeBody = z.object({ reason: z.string().trim().min(1).max(500).optional() })
  .strict();

export const reservationParam = z.object({ id: z.uuid() });

export const idempotencyKey = z.string().regex(
  /^[\x21-\x7e]{1,255}$/,
  "1 to 255 printable ASCII characters",
);

const statuses = [
  "pending",
  "confirmed",
  "checked_in",
  "checked_out",
  "cancelled",
  "expired",
  "failed",
] as const;
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
