import { z } from "zod";
import { dateRange, id, seatName } from "../catalogue/schemas.ts";
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
