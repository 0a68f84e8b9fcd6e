import { z } from "zod";
import { eventTypes } from "../../shared/events/mod.ts";
import { webhookUrlProblem } from "../../shared/net/mod.ts";
import { catalogueSchemas } from "../catalogue/mod.ts";
import { cursorParam } from "../http/mod.ts";

/**
 * Event types an endpoint may subscribe to: every reservation and payment event of the
 * catalogue (the notifications service consumes exactly these).
 */
export const webhookEventTypes = eventTypes.filter((t) =>
  t.startsWith("reservation.") || t.startsWith("payment.")
) as [string, ...string[]];

/**
 * `POST /v1/properties/:propertyId/webhooks`. Where `url` points (not localhost, not a private
 * address) is checked by the handler: `BERTH_WEBHOOK_ALLOW_PRIVATE` decides.
 */
export const createWebhook = z.object({
  // Not z.url(): it would drop a CR or LF silently, as the URL parser does, before any check.
  url: z.string().max(2000).check((ctx) => {
    const problem = webhookUrlProblem(ctx.value);
    if (problem) ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
  }).meta({
    format: "uri",
    description: "an http(s) URL that points outside the network",
    example: "https://hooks.example.com/berth",
  }),
  events: z.array(z.enum(webhookEventTypes)).min(1).max(webhookEventTypes.length).refine(
    (e) => new Set(e).size === e.length,
    "event types must be unique",
  ).meta({ example: ["reservation.confirmed", "reservation.cancelled"] }),
  description: z.string().trim().max(200).optional(),
}).strict();

export const propertyParam = catalogueSchemas.propertyParam;

export const webhookParam = z.object({
  webhookId: z.string().regex(/^wh_[a-z0-9]{1,40}$/, "a webhook id (wh_...)")
    .meta({ example: "wh_k3x9q2" }),
});

/** `GET /v1/webhooks/:webhookId/deliveries?limit=&cursor=` */
export const deliveriesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: cursorParam.optional(),
}).strict();

/** A webhook endpoint as the api shows it: never its secret, which only the 201 carries. */
export const endpoint = z.object({
  id: z.string().meta({ example: "wh_k3x9q2" }),
  propertyId: catalogueSchemas.id,
  url: z.string().meta({ example: "https://hooks.example.com/berth" }),
  events: z.array(z.string()).meta({ example: ["reservation.confirmed"] }),
  description: z.string().nullable(),
  status: z.enum(["active", "disabled", "deleted"]),
  consecutiveGone: z.number().int().meta({ description: "410 answers in a row (5 disable it)" }),
  disabledReason: z.string().nullable(),
  createdAt: catalogueSchemas.instant,
  updatedAt: catalogueSchemas.instant,
}).meta({ id: "WebhookEndpoint" });

/** A delivery of one event to an endpoint, with every attempt. */
export const delivery = z.object({
  id: z.string(),
  eventId: z.uuid(),
  eventType: z.string().meta({ example: "reservation.confirmed" }),
  status: z.string().meta({ description: "pending, delivered, failed or cancelled" }),
  attempts: z.number().int(),
  nextAttemptAt: catalogueSchemas.instant.nullable(),
  lastError: z.string().nullable(),
  createdAt: catalogueSchemas.instant,
  log: z.array(z.object({
    attempt: z.number().int(),
    at: catalogueSchemas.instant,
    durationMs: z.number().int(),
    ok: z.boolean(),
    statusCode: z.number().int().nullable(),
    error: z.string().nullable(),
  })),
}).meta({ id: "WebhookDelivery" });
