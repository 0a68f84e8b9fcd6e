import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Env } from "../http/mod.ts";
import { apiModule, ifMatchOf, withEtag } from "../http/mod.ts";
import { Conflict, DomainError, ValidationFailed } from "../../shared/errors/mod.ts";
import type { Action, IdempotencyKey, ReservationView } from "../../shared/booking/mod.ts";
import {
  changeStatus,
  getReservation,
  modificationStatus,
  modifyReservation,
  placeBooking,
  prepareBooking,
} from "../../shared/booking/mod.ts";
import * as s from "./schemas.ts";
import type { StoredAnswer } from "./idempotency.ts";
import { requestHash, storedAnswer } from "./idempotency.ts";
import * as op from "./contract.ts";

/** A status a reservation write answers with. */
type Written = 200 | 201 | 202;

/** Admins see every reservation; a client key only its own. */
const ownerOf = (c: Context<Env>) =>
  c.var.principal.role === "admin" ? undefined : c.var.principal.keyId;

/**
 * The request's Idempotency-Key, scoped to the API key, with the hash of the request (method,
 * path, body) and its expiry; null without the header. A malformed key, or none where
 * `required`, is 400.
 */
function idempotencyOf(
  c: Context<Env>,
  body: unknown,
  now: Date,
  required: boolean,
): IdempotencyKey | null {
  const header = c.req.header("idempotency-key");
  if (header === undefined && !required) return null;
  const parsed = s.idempotencyKey.safeParse(header);
  if (!parsed.success) {
    throw new ValidationFailed(
      required ? "an Idempotency-Key header is required" : "the Idempotency-Key is not valid",
      [{ path: "Idempotency-Key", message: parsed.error.issues[0].message }],
    );
  }
  return {
    apiKeyId: c.var.principal.keyId,
    key: parsed.data,
    requestHash: requestHash(c.req.method, c.req.path, body),
    expiresAt: new Date(now.getTime() + c.var.deps.config.BERTH_IDEMPOTENCY_TTL_HOURS * 3_600_000),
  };
}

/** The answer stored under a request's key; none without a key. */
async function earlierAnswer(c: Context<Env>, key: IdempotencyKey | null, now: Date) {
  return key && await storedAnswer(c.var.deps.sql, key.apiKeyId, key.key, now);
}

/** The stored answer of an earlier request with the key: a view, with the status it had. */
function replay<S extends Written>(c: Context<Env>, answer: StoredAnswer, key: IdempotencyKey) {
  if (answer.requestHash !== key.requestHash) {
    throw new Conflict(
      "this Idempotency-Key was used with a different request (method, path or body)",
      "idempotency_conflict",
    );
  }
  c.header("Idempotent-Replayed", "true");
  withEtag(c, answer.body);
  return c.json(answer.body as ReservationView, answer.status as S);
}

/**
 * Answers `write`'s view with `status` of it. With a key, `write` claims it in the statement that
 * writes and returns null when an earlier request holds it; a refusal that comes after an
 * earlier request with the key committed gives way too. Either way that request's answer is
 * replayed (409 `idempotency_conflict` when it was another request).
 */
async function answerOnce<S extends Written>(
  c: Context<Env>,
  key: IdempotencyKey | null,
  now: Date,
  status: (view: ReservationView) => S,
  write: () => Promise<ReservationView | null>,
) {
  let view: ReservationView | null;
  try {
    view = await write();
  } catch (err) {
    const first = err instanceof DomainError && await earlierAnswer(c, key, now);
    if (first) return replay<S>(c, first, key!);
    throw err;
  }
  if (view) {
    withEtag(c, view);
    return c.json(view, status(view));
  }
  const first = await earlierAnswer(c, key, now);
  if (!first) throw new Conflict("the first request with this key is still running");
  return replay<S>(c, first, key!);
}

/** Cancel, check in or check out the reservation of the path, once per Idempotency-Key. */
async function stateChange(
  c: Context<Env>,
  action: Action,
  id: string,
  body: { reason?: string },
) {
  const now = c.var.deps.now();
  const key = idempotencyOf(c, body, now, false);
  const earlier = await earlierAnswer(c, key, now);
  if (earlier) return replay<200>(c, earlier, key!);
  return await answerOnce(
    c,
    key,
    now,
    () => 200 as const,
    () =>
      changeStatus(c.var.deps.sql, id, action, {
        now,
        correlationId: c.var.correlationId,
        ownerKeyId: ownerOf(c),
        reason: body.reason,
        soldOut: c.var.deps.soldOut,
        idempotency: key ?? undefined,
        expectVersions: ifMatchOf(c),
      }),
  );
}

/**
 * Reservations: book (with a required Idempotency-Key), read, modify, cancel, check in and out
 * (each with an optional one).
 */
export function reservationRoutes(): OpenAPIHono<Env> {
  return apiModule()
    .openapi(op.createReservation, async (c) => {
      const { sql, config } = c.var.deps;
      const body = c.req.valid("json");
      const now = c.var.deps.now();
      const key = idempotencyOf(c, body, now, true)!;
      // A stored answer wins over anything the availability check would say now.
      const [earlier, preparing] = await Promise.allSettled([
        earlierAnswer(c, key, now),
        prepareBooking(sql, body, config.BERTH_MAX_QUANTITY, now, c.var.deps.soldOut),
      ]);
      if (earlier.status === "rejected") throw earlier.reason;
      if (earlier.value) return replay<201>(c, earlier.value, key);
      if (preparing.status === "rejected") throw preparing.reason;
      return await answerOnce(
        c,
        key,
        now,
        () => 201 as const,
        () =>
          placeBooking(sql, preparing.value, {
            now,
            correlationId: c.var.correlationId,
            holdMinutes: config.BERTH_HOLD_MINUTES,
            apiKeyId: key.apiKeyId,
          }, key),
      );
    })
    .openapi(op.getReservation, async (c) => {
      const reservation = await getReservation(c.var.deps.sql, c.req.valid("param").id, ownerOf(c));
      withEtag(c, reservation);
      return c.json(reservation, 200);
    })
    .openapi(
      op.modifyReservation,
      async (c) => {
        const { sql, config } = c.var.deps;
        const body = c.req.valid("json");
        const now = c.var.deps.now();
        const key = idempotencyOf(c, body, now, false);
        const earlier = await earlierAnswer(c, key, now);
        if (earlier) return replay<200 | 202>(c, earlier, key!);
        return await answerOnce(
          c,
          key,
          now,
          modificationStatus,
          () =>
            modifyReservation(sql, c.req.valid("param").id, body.items, {
              now,
              correlationId: c.var.correlationId,
              ownerKeyId: ownerOf(c),
              maxQuantity: config.BERTH_MAX_QUANTITY,
              soldOut: c.var.deps.soldOut,
              idempotency: key ?? undefined,
              expectVersions: ifMatchOf(c),
            }),
        );
      },
    )
    .openapi(
      op.cancelReservation,
      (c) => stateChange(c, "cancel", c.req.valid("param").id, c.req.valid("json")),
    )
    .openapi(
      op.checkIn,
      (c) => stateChange(c, "checkIn", c.req.valid("param").id, c.req.valid("json")),
    )
    .openapi(
      op.checkOut,
      (c) => stateChange(c, "checkOut", c.req.valid("param").id, c.req.valid("json")),
    );
}
