import { Hono } from "hono";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Env } from "../http/env.ts";
import { parseBody, requireJson, validate } from "../http/validate.ts";
import { Conflict, ValidationFailed } from "../../shared/errors/errors.ts";
import {
  type Action,
  changeStatus,
  getReservation,
  modifyReservation,
  placeBooking,
  prepareBooking,
} from "../../shared/booking/mod.ts";
import * as s from "./schemas.ts";
import { requestHash, type StoredAnswer, storedAnswer } from "./idempotency.ts";

/** Admins see every reservation; a client key only its own. */
const ownerOf = (c: Context<Env>) =>
  c.var.principal.role === "admin" ? undefined : c.var.principal.keyId;

function replay(c: Context<Env>, answer: StoredAnswer, hash: string): Response {
  if (answer.requestHash !== hash) {
    throw new Conflict(
      "this Idempotency-Key was used with a different request body",
      "idempotency_conflict",
    );
  }
  c.header("Idempotent-Replayed", "true");
  return c.json(answer.body as object, answer.status as ContentfulStatusCode);
}

async function optionalJson(c: Context<Env>): Promise<unknown> {
  const text = await c.req.text();
  if (!text.trim()) return {};
  requireJson(c);
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationFailed("the body is not JSON", [{ path: "body", message: "not JSON" }]);
  }
}

function stateChange(action: Action) {
  return async (c: Context<Env>) => {
    const id = c.req.param("id")!;
    const body = parseBody(s.changeBody, await optionalJson(c));
    const view = await changeStatus(c.var.deps.sql, id, action, {
      now: c.var.deps.now(),
      correlationId: c.var.correlationId,
      ownerKeyId: ownerOf(c),
      reason: body.reason,
      soldOut: c.var.deps.soldOut,
    });
    return c.json(view);
  };
}

/**
 * Reservations: book (with a required Idempotency-Key), read, modify, cancel, check in and out.
 */
export function reservationRoutes(): Hono<Env> {
  return new Hono<Env>()
    .post("/", validate("json", s.createReservation), async (c) => {
      const { sql, config, now: clock } = c.var.deps;
      const keyParse = s.idempotencyKey.safeParse(c.req.header("idempotency-key"));
      if (!keyParse.success) {
        throw new ValidationFailed("an Idempotency-Key header is required", [
          { path: "Idempotency-Key", message: keyParse.error.issues[0].message },
        ]);
      }
      const key = keyParse.data;
      const apiKeyId = c.var.principal.keyId;
      const body = c.req.valid("json");
      const hash = requestHash(body);
      const now = clock();
      // A stored answer wins over anything the availability check would say now.
      const [earlier, preparing] = await Promise.allSettled([
        storedAnswer(sql, apiKeyId, key, now),
        prepareBooking(sql, body, config.BERTH_MAX_QUANTITY, c.var.deps.soldOut),
      ]);
      if (earlier.status === "rejected") throw earlier.reason;
      if (earlier.value) return replay(c, earlier.value, hash);
      if (preparing.status === "rejected") throw preparing.reason;
      const prepared = preparing.value;
      const expiresAt = new Date(now.getTime() + config.BERTH_IDEMPOTENCY_TTL_HOURS * 3_600_000);
      const view = await placeBooking(sql, prepared, {
        now,
        correlationId: c.var.correlationId,
        holdMinutes: config.BERTH_HOLD_MINUTES,
        apiKeyId,
      }, { apiKeyId, key, requestHash: hash, expiresAt });
      if (view) return c.json(view, 201);
      // The key was taken by a request that has committed meanwhile: its answer stands.
      const first = await storedAnswer(sql, apiKeyId, key, now);
      if (!first) throw new Conflict("the first request with this key is still running");
      return replay(c, first, hash);
    })
    .get(
      "/:id",
      validate("param", s.reservationParam),
      async (c) =>
        c.json(await getReservation(c.var.deps.sql, c.req.valid("param").id, ownerOf(c))),
    )
    .patch(
      "/:id",
      validate("param", s.reservationParam),
      validate("json", s.modifyReservation),
      async (c) => {
        const { sql, config, now } = c.var.deps;
        const view = await modifyReservation(
          sql,
          c.req.valid("param").id,
          c.req.valid("json").items,
          {
            now: now(),
            correlationId: c.var.correlationId,
            ownerKeyId: ownerOf(c),
            maxQuantity: config.BERTH_MAX_QUANTITY,
            soldOut: c.var.deps.soldOut,
          },
        );
        // A higher total waits for its payment: accepted, not yet done.
        return c.json(view, view.pendingModification ? 202 : 200);
      },
    )
    .post("/:id/cancel", validate("param", s.reservationParam), stateChange("cancel"))
    .post("/:id/check-in", validate("param", s.reservationParam), stateChange("checkIn"))
    .post("/:id/check-out", validate("param", s.reservationParam), stateChange("checkOut"));
}
