/** Placing a hold: a prepared booking decided and written in one `booking_apply` command. */
import type { Sql } from "../db/mod.ts";
import type { ReservationView } from "./state.ts";
import { viewOf } from "./state.ts";
import { decide } from "./decide.ts";
import type { Ctx, IdempotencyKey } from "./context.ts";
import { applyOne, decideCtxOf, refusal } from "./context.ts";
import type { PreparedBooking } from "./quote.ts";
import { prepareBooking, priceLookup } from "./quote.ts";

/**
 * Places a pending reservation holding its inventory until `holdExpiresAt`, in one
 * `booking_apply` command that takes the locks, checks the quote still holds, writes the
 * reservation, its lines, seats and event, and records the answer under the idempotency key.
 * Returns null when the key was used before (the caller replays that answer). A price changed
 * since the quote is quoted again (twice at most).
 */
export async function placeBooking(
  sql: Sql,
  prepared: PreparedBooking,
  ctx: Ctx & { holdMinutes: number; apiKeyId: string },
  idempotency: IdempotencyKey | null = null,
): Promise<ReservationView | null> {
  let p = prepared;
  for (let attempt = 1;; attempt++) {
    const { input } = p;
    const { command, state } = decide(
      {
        type: "hold",
        booking: {
          propertyId: input.propertyId,
          userId: input.userId,
          guest: input.guest,
          items: p.items,
          currency: p.currency,
          timezone: p.timezone,
          paymentToken: input.payment.token,
          apiKeyId: ctx.apiKeyId,
          seq: p.seq,
          priceOf: priceLookup(p.prices),
          holdMinutes: ctx.holdMinutes,
          idempotency,
        },
      },
      null,
      decideCtxOf(ctx),
    );
    const outcome = await applyOne(sql, command, ctx.now);
    if (outcome === "placed") return viewOf(state);
    if (outcome === "replay") return null;
    if (outcome !== "price_changed" || attempt === 3) throw refusal(outcome);
    p = await prepareBooking(sql, p.input, p.maxQuantity, ctx.now);
  }
}
