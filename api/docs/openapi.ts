import { z } from "zod";
import { catalogueSchemas as cat } from "../catalogue/mod.ts";
import { reservationSchemas as res } from "../reservations/mod.ts";
import { createKeyBody } from "../keys/routes.ts";
import { VERSION } from "../version.ts";
import { webhookSchemas as hooks } from "../webhooks/mod.ts";
import { kpiQuery } from "../analytics/mod.ts";
import { auditQuery } from "../audit/mod.ts";
import { historyQuery } from "../history/mod.ts";
import * as rates from "../rates/schemas.ts";
import type { RouteOf } from "../../shared/metrics/mod.ts";
import { pageQuery } from "../http/cursor.ts";

type Schema = z.ZodType;

interface Operation {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  summary: string;
  tag: string;
  role?: "admin" | "client" | "public";
  body?: Schema;
  query?: Schema;
  success: number;
  /** Another success: accepted and not yet done (202), with what it waits for. */
  accepted?: string;
  headers?: { name: string; required: boolean; description: string }[];
  errors?: number[];
}

/** Every documented operation as Hono names its route, with its success status (for metrics). */
export function documentedRoutes(): RouteOf[] {
  return operations.map((op) => ({
    method: op.method.toUpperCase(),
    route: op.path.replace(/\{(\w+)\}/g, ":$1"),
    status: op.success,
  }));
}

/** The optional Idempotency-Key of a change to a reservation. */
const changeKey = [{
  name: "Idempotency-Key",
  required: false,
  description:
    "Same key, route and body replays the first answer (Idempotent-Replayed: true); another request is 409 idempotency_conflict",
}];

/** The optional If-Match of a change: a stale ETag is 412 precondition_failed. */
const ifMatch = {
  name: "If-Match",
  required: false,
  description:
    "The ETag the change was decided on (a reservation's version, or an inventory range's digest); another is 412 precondition_failed",
};

/** Every public operation of the api, with the zod schemas its handlers validate against. */
export const operations: Operation[] = [
  {
    method: "get",
    path: "/health",
    summary: "Liveness: the process is up",
    tag: "ops",
    role: "public",
    success: 200,
  },
  {
    method: "get",
    path: "/ready",
    summary: "Readiness: Postgres and NATS reachable (503 with the reason)",
    tag: "ops",
    role: "public",
    success: 200,
    errors: [503],
  },
  {
    method: "get",
    path: "/metrics",
    summary: "Prometheus metrics of the whole platform (text format; 503 without its hub)",
    tag: "ops",
    role: "public",
    success: 200,
    errors: [503],
  },
  {
    method: "get",
    path: "/v1/ops/summary",
    summary: "What the ops page (/ops) shows: counters, latency buckets, lag, dead letters, " +
      "outbox, occupancy of the coming days",
    tag: "ops",
    role: "admin",
    success: 200,
    errors: [503],
  },
  {
    method: "post",
    path: "/v1/properties",
    summary: "Create a property",
    tag: "catalogue",
    role: "admin",
    body: cat.createProperty,
    success: 201,
    errors: [400, 409],
  },
  {
    method: "get",
    path: "/v1/properties",
    summary: "List properties, oldest first, a page at a time (limit, cursor; next, nextCursor)",
    tag: "catalogue",
    query: pageQuery,
    success: 200,
    errors: [400],
  },
  {
    method: "get",
    path: "/v1/properties/{propertyId}",
    summary: "A property",
    tag: "catalogue",
    success: 200,
    errors: [404],
  },
  {
    method: "post",
    path: "/v1/properties/{propertyId}/resources",
    summary: "Add a room type, unit pool or seat map",
    tag: "catalogue",
    role: "admin",
    body: cat.createResource,
    success: 201,
    errors: [400, 404, 409],
  },
  {
    method: "get",
    path: "/v1/properties/{propertyId}/resources",
    summary: "List a property's resources, a page at a time",
    tag: "catalogue",
    query: pageQuery,
    success: 200,
    errors: [400, 404],
  },
  {
    method: "put",
    path: "/v1/properties/{propertyId}/resources/{resourceId}/inventory",
    summary: "Set capacity (rooms, units) and base price per date in [from, to)",
    tag: "catalogue",
    role: "admin",
    body: cat.setInventory,
    success: 200,
    headers: [ifMatch],
    errors: [400, 404, 409, 412],
  },
  {
    method: "get",
    path: "/v1/properties/{propertyId}/resources/{resourceId}/inventory",
    summary: "Capacity and base price per date in [from, to), with the range's ETag",
    tag: "catalogue",
    query: cat.inventoryQuery,
    success: 200,
    errors: [400, 404],
  },
  {
    method: "get",
    path: "/v1/availability",
    summary: "Per date: capacity, available units or free seats, current price",
    tag: "catalogue",
    query: cat.availabilityQuery,
    success: 200,
    errors: [400, 404],
  },
  {
    method: "post",
    path: "/v1/reservations",
    summary: "Book: hold inventory until holdExpiresAt; payment confirms it",
    tag: "reservations",
    body: res.createReservation,
    success: 201,
    headers: [{
      name: "Idempotency-Key",
      required: true,
      description:
        "Same key and body replays the first answer (Idempotent-Replayed: true); another request is 409 idempotency_conflict",
    }],
    errors: [400, 404, 409],
  },
  {
    method: "get",
    path: "/v1/reservations/{id}",
    summary: "A reservation with its status history; ETag: its version",
    tag: "reservations",
    success: 200,
    errors: [404],
  },
  {
    method: "get",
    path: "/v1/properties/{propertyId}/reservations",
    summary: "Search a property's reservations (status, stay dates, confirmation number, " +
      "guest e-mail, updatedSince), oldest booking first, a page at a time",
    tag: "reservations",
    query: res.searchQuery,
    success: 200,
    errors: [400, 404],
  },
  {
    method: "patch",
    path: "/v1/reservations/{id}",
    summary: "Change dates, quantities or seats atomically",
    tag: "reservations",
    body: res.modifyReservation,
    success: 200,
    headers: [...changeKey, ifMatch],
    accepted: "A higher total: the booking stands as it was (`pendingModification` shows the " +
      "change) until the difference is authorized; then reservation.modified, or on a decline " +
      "reservation.modification_declined. 409 modification_pending while one waits.",
    errors: [400, 404, 409, 412],
  },
  {
    method: "post",
    path: "/v1/reservations/{id}/cancel",
    summary: "Cancel; releases inventory, refund per the property's policy",
    tag: "reservations",
    body: res.changeBody,
    success: 200,
    headers: [...changeKey, ifMatch],
    errors: [400, 404, 409, 412],
  },
  {
    method: "post",
    path: "/v1/reservations/{id}/check-in",
    summary: "Check in a confirmed reservation, from its arrival date at the property",
    tag: "reservations",
    body: res.changeBody,
    success: 200,
    headers: [...changeKey, ifMatch],
    errors: [400, 404, 409, 412],
  },
  {
    method: "post",
    path: "/v1/reservations/{id}/check-out",
    summary: "Check out a checked-in reservation",
    tag: "reservations",
    body: res.changeBody,
    success: 200,
    headers: [...changeKey, ifMatch],
    errors: [400, 404, 409, 412],
  },
  {
    method: "get",
    path: "/v1/users/{userId}/reservations",
    summary: "Booking history of a user (a projection of the reservation events)",
    tag: "reservations",
    query: historyQuery,
    success: 200,
    errors: [400],
  },
  {
    method: "get",
    path: "/v1/properties/{propertyId}/kpis",
    summary:
      "KPIs per day: bookings, cancellations, revenue, occupancy, ADR, RevPAR, payment success, lead time",
    tag: "analytics",
    role: "admin",
    query: kpiQuery,
    success: 200,
    errors: [400, 404],
  },
  {
    method: "get",
    path: "/v1/audit",
    summary: "The hash-chained audit log, by reservation or property",
    tag: "audit",
    role: "admin",
    query: auditQuery,
    success: 200,
    errors: [400],
  },
  {
    method: "put",
    path: "/v1/properties/{propertyId}/resources/{resourceId}/rate-rules",
    summary: "Dynamic pricing: occupancy thresholds to multipliers, floor and ceiling",
    tag: "rates",
    role: "admin",
    body: rates.rateRules,
    success: 200,
    errors: [400, 404],
  },
  {
    method: "get",
    path: "/v1/properties/{propertyId}/resources/{resourceId}/rate-rules",
    summary: "The resource's rate rules",
    tag: "rates",
    success: 200,
    errors: [404],
  },
  {
    method: "get",
    path: "/v1/properties/{propertyId}/resources/{resourceId}/rates",
    summary: "Current price per date and the history of rate changes",
    tag: "rates",
    query: rates.rateQuery,
    success: 200,
    errors: [400, 404],
  },
  {
    method: "get",
    path: "/v1/rates/applied",
    summary: "The rates a reservation was booked at",
    tag: "rates",
    role: "admin",
    query: rates.appliedQuery,
    success: 200,
    errors: [400],
  },
  {
    method: "post",
    path: "/v1/properties/{propertyId}/webhooks",
    summary: "Register a webhook endpoint (the signing secret is shown once)",
    tag: "webhooks",
    role: "admin",
    body: hooks.createWebhook,
    success: 201,
    errors: [400, 404],
  },
  {
    method: "get",
    path: "/v1/properties/{propertyId}/webhooks",
    summary: "A property's webhook endpoints, a page at a time",
    tag: "webhooks",
    role: "admin",
    query: pageQuery,
    success: 200,
    errors: [400, 404],
  },
  {
    method: "get",
    path: "/v1/webhooks/{webhookId}",
    summary: "One webhook endpoint",
    tag: "webhooks",
    role: "admin",
    success: 200,
    errors: [404],
  },
  {
    method: "delete",
    path: "/v1/webhooks/{webhookId}",
    summary: "Remove an endpoint; its queued deliveries are cancelled",
    tag: "webhooks",
    role: "admin",
    success: 204,
    errors: [404],
  },
  {
    method: "post",
    path: "/v1/webhooks/{webhookId}/enable",
    summary: "Re-enable an endpoint disabled after repeated 410s",
    tag: "webhooks",
    role: "admin",
    success: 200,
    errors: [404],
  },
  {
    method: "get",
    path: "/v1/webhooks/{webhookId}/deliveries",
    summary: "Deliveries to an endpoint with every attempt",
    tag: "webhooks",
    role: "admin",
    query: hooks.deliveriesQuery,
    success: 200,
    errors: [404],
  },
  {
    method: "post",
    path: "/v1/api-keys",
    summary: "Create an API key (the secret is shown once)",
    tag: "keys",
    role: "admin",
    body: createKeyBody,
    success: 201,
    errors: [400],
  },
  {
    method: "get",
    path: "/v1/api-keys",
    summary: "List API keys, a page at a time",
    tag: "keys",
    role: "admin",
    query: pageQuery,
    success: 200,
    errors: [400],
  },
  {
    method: "delete",
    path: "/v1/api-keys/{id}",
    summary: "Revoke an API key",
    tag: "keys",
    role: "admin",
    success: 200,
    errors: [404],
  },
];

const problem = {
  type: "object",
  required: ["type", "title", "status", "detail", "code"],
  properties: {
    type: { type: "string" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string" },
    code: {
      type: "string",
      description: "stable: validation_failed, sold_out, not_found, conflict, unauthorized, ...",
    },
    errors: {
      type: "array",
      items: {
        type: "object",
        properties: { path: { type: "string" }, message: { type: "string" } },
      },
    },
  },
};

function jsonSchema(s: Schema): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(s, {
    io: "input",
    unrepresentable: "any",
  }) as Record<string, unknown>;
  return rest;
}

/** The OpenAPI 3.1 document, built from the same zod schemas the handlers validate with. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    if (op.query) {
      const qs = jsonSchema(op.query) as {
        properties: Record<string, unknown>;
        required?: string[];
      };
      for (const [name, schema] of Object.entries(qs.properties)) {
        params.push(
          { name, in: "query", required: qs.required?.includes(name) ?? false, schema } as never,
        );
      }
    }
    for (const h of op.headers ?? []) {
      params.push(
        {
          name: h.name,
          in: "header",
          required: h.required,
          schema: { type: "string" },
          description: h.description,
        } as never,
      );
    }
    const responses: Record<string, unknown> = {
      [op.success]: { description: "success", content: { "application/json": {} } },
      ...(op.accepted
        ? { 202: { description: op.accepted, content: { "application/json": {} } } }
        : {}),
    };
    const errs = op.role === "public" ? (op.errors ?? []) : [401, 403, ...(op.errors ?? [])];
    for (const e of errs) {
      responses[e] = {
        description: "problem",
        content: {
          "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } },
        },
      };
    }
    (paths[op.path] ??= {})[op.method] = {
      summary: op.summary,
      tags: [op.tag],
      ...(op.role === "public" ? { security: [] } : {}),
      ...(op.role === "admin" ? { description: "Needs an admin key." } : {}),
      parameters: params,
      ...(op.body
        ? {
          requestBody: {
            required: op.method === "post" && op.body !== res.changeBody,
            content: { "application/json": { schema: jsonSchema(op.body) } },
          },
        }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "berth",
      version: VERSION,
      description:
        "Book seats, room-nights and units. Money is integer minor units; dates are YYYY-MM-DD; [from, to) is nights for rooms and days for units.",
    },
    servers: [{ url: "/" }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "Authorization: Bearer <api key>" },
      },
      schemas: { Problem: problem },
    },
    paths,
  };
}
