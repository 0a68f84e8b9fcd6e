import { z } from "zod";
import { eventTypes } from "../../shared/events/catalogue.ts";
import { webhookUrlProblem } from "../../shared/net/address.ts";
import { catalogueSchemas } from "../catalogue/mod.ts";
import { cursorParam } from "../http/cursor.ts";

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
  }).meta({ format: "uri", description: "an http(s) URL that points outside the network" }),
  events: z.array(z.enum(webhookEventTypes)).min(1).max(webhookEventTypes.length).refine(
    (e) => new Set(e).size === e.length,
    "event types must be unique",
  ),
  description: z.string().trim().max(200).optional(),
}).strict();

export const propertyParam = catalogueSchemas.propertyParam;

export const webhookParam = z.object({
  webhookId: z.string().regex(/^wh_[a-z0-9]{1,40}$/, "a webhook id (wh_...)"),
});

/** `GET /v1/webhooks/:webhookId/deliveries?limit=&cursor=` */
export const deliveriesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: cursorParam.optional(),
}).strict();
