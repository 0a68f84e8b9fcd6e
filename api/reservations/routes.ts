import { Hono } from "hono";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Env } from "../http/env.ts";
import { parseBody, requireJson, validate } from "../http/validate.ts";
import { Conflict, DomainError, ValidationFailed } from "../../shared/errors/errors.ts";
import {
  type Action,
  changeStatus,
  getReservation,
  type IdempotencyKey,
  modificationStatus,
  modifyReservation,
  placeBooking,
  prepareBooking,
  type ReservationView,
} from "../../shared/booking/mod.ts";
import * as s from "./schemas.ts";
import { requestHash, type StoredAnswer, storedAnswer } from "./idempotency.ts";
import { ifMatchOf, withEtag } from "../http/etag.ts";

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

function replay(c: Context<Env>, answer: StoredAnswer, key: IdempotencyKey): Response {
  if (answer.requestHash !== key.requestHash) {
    throw new Conflict(
      "this Idempotency-Key was used with a different request (method, path or body)",
      "idempotency_conflict",
    );
  }
  c.header("Idempotent-Replayed", "true");
  withEtag(c, answer.body);
  return c.json(answer.body as object, answer.status as ContentfulStatusCode);
}

/**
 * Answers `write`'s view with `status` of it. With a key, `write` claims it in the statement that
 * writes and returns null when an earlier request holds it; a refusal that comes after an
 * earlier request with the key committed gives way too. Either way that request's answer is
 * replayed (409 `idempotency_conflict` when it was another request).
 */
async function answerOnce(
  c: Context<Env>,
  key: IdempotencyKey | null,
  now: Date,
  status: (view: ReservationView) => 200 | 201 | 202,
  write: () => Promise<ReservationView | null>,
): Promise<Response> {
  let view: ReservationView | null;
  try {
    view = await write();
  } catch (err) {
    const first = err instanceof DomainError && await earlierAnswer(c, key, now);
    if (first) return replay(c, first, key!);
    throw err;
  }
  if (view) {
    withEtag(c, view);
    return c.json(view, status(view));
  }
  const first = await earlierAnswer(c, key, now);
  if (!first) throw new Conflict("the first request with this key is still running");
  return replay(c, first, key!);
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
    const now = c.var.deps.now();
    const key = idempotencyOf(c, body, now, false);
    const earlier = await earlierAnswer(c, key, now);
    if (earlier) return replay(c, earlier, key!);
    return await answerOnce(c, key, now, () => 200, () =>
      changeStatus(c.var.deps.sql, id, action, {
        now,
        correlationId: c.var.correlationId,
        ownerKeyId: ownerOf(c),
        reason: body.reason,
        soldOut: c.var.deps.soldOut,
        idempotency: key ?? undefined,
        expectVersions: ifMatchOf(c),
      }));
  };
}

/**
 * Reservations: book (with a required Idempotency-Key), read, modify, cancel, check in and out
 * (each with an optional one).
 */
export function reservationRoutes(): Hono<Env> {
  return new Hono<Env>()
    .post("/", validate("json", s.createReservation), async (c) => {
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
      if (earlier.value) return replay(c, earlier.value, key);
      if (preparing.status === "rejected") throw preparing.reason;
      return await answerOnce(c, key, now, () => 201, () =>
        placeBooking(sql, preparing.value, {
          now,
          correlationId: c.var.correlationId,
          holdMinutes: config.BERTH_HOLD_MINUTES,
          apiKeyId: key.apiKeyId,
        }, key));
    })
    .get(
      "/:id",
      validate("param", s.reservationParam),
      async (c) => {
        const reservation = await getReservation(
          c.var.deps.sql,
          c.req.valid("param").id,
          ownerOf(c),
        );
        withEtag(c, reservation);
        return c.json(reservation);
      },
    )
    .patch(
      "/:id",
      validate("param", s.reservationParam),
      validate("json", s.modifyReservation),
      async (c) => {
        const { sql, config } = c.var.deps;
        const body = c.req.valid("json");
        const now = c.var.deps.now();
        const key = idempotencyOf(c, body, now, false);
        const earlier = await earlierAnswer(c, key, now);
        if (earlier) return replay(c, earlier, key!);
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
    .post("/:id/cancel", validate("param", s.reservationParam), stateChange("cancel"))
    .post("/:id/check-in", validate("param", s.reservationParam), stateChange("checkIn"))
    .post("/:id/check-out", validate("param", s.reservationParam), stateChange("checkOut"));
}
