/** Webhooks' operations as clients see them (see `api/http/openapi.ts` for the style). */
import { z } from "zod";
import { json, operation, pageQuery, pageSchema } from "../http/mod.ts";
import * as s from "./schemas.ts";

export const createWebhook = operation({
  method: "post",
  path: "/v1/properties/{propertyId}/webhooks",
  operationId: "createWebhook",
  tags: ["webhooks"],
  summary: "Register a webhook endpoint (the signing secret is shown once)",
  description: "Deliveries are signed: `Berth-Signature: t=<unix seconds>,v1=<HMAC-SHA256 of " +
    "t.body with the secret>`. The answer's `Location` names the endpoint.",
  role: "admin",
  request: {
    params: s.propertyParam,
    body: { required: true, content: { "application/json": { schema: s.createWebhook } } },
  },
  responses: {
    201: {
      ...json(
        s.endpoint.extend({
          secret: z.string().meta({
            description: "the signing secret; shown only here",
            example: "whsec_9f86d081…",
          }),
        }),
        "the new endpoint with its secret",
      ),
      headers: z.object({ Location: z.string().meta({ example: "/v1/webhooks/wh_k3x9q2" }) }),
    },
  },
  errors: { 404: ["not_found"] },
});

export const listWebhooks = operation({
  method: "get",
  path: "/v1/properties/{propertyId}/webhooks",
  operationId: "listWebhooks",
  tags: ["webhooks"],
  summary: "A property's webhook endpoints, oldest first, a page at a time",
  role: "admin",
  request: { params: s.propertyParam, query: pageQuery },
  responses: { 200: json(pageSchema(s.endpoint), "a page of its endpoints") },
  errors: { 404: ["not_found"] },
});

export const getWebhook = operation({
  method: "get",
  path: "/v1/webhooks/{webhookId}",
  operationId: "getWebhook",
  tags: ["webhooks"],
  summary: "One webhook endpoint",
  role: "admin",
  request: { params: s.webhookParam },
  responses: { 200: json(s.endpoint, "the endpoint") },
  errors: { 404: ["not_found"] },
});

export const deleteWebhook = operation({
  method: "delete",
  path: "/v1/webhooks/{webhookId}",
  operationId: "deleteWebhook",
  tags: ["webhooks"],
  summary: "Remove an endpoint; its queued deliveries are cancelled",
  role: "admin",
  request: { params: s.webhookParam },
  responses: { 204: { description: "removed; no body" } },
  errors: { 404: ["not_found"] },
});

export const enableWebhook = operation({
  method: "post",
  path: "/v1/webhooks/{webhookId}/enable",
  operationId: "enableWebhook",
  tags: ["webhooks"],
  summary: "Re-enable an endpoint disabled after repeated 410s",
  role: "admin",
  request: { params: s.webhookParam },
  responses: { 200: json(s.endpoint, "the endpoint, active") },
  errors: { 404: ["not_found"] },
});

export const listDeliveries = operation({
  method: "get",
  path: "/v1/webhooks/{webhookId}/deliveries",
  operationId: "listWebhookDeliveries",
  tags: ["webhooks"],
  summary: "Deliveries to an endpoint with every attempt, newest first, a page at a time",
  role: "admin",
  request: { params: s.webhookParam, query: s.deliveriesQuery },
  responses: {
    200: json(pageSchema(s.delivery), "a page of deliveries"),
  },
  errors: { 404: ["not_found"] },
});
