/** The ops page's operations (see `api/http/openapi.ts` for the style). */
import { z } from "zod";
import { json, operation } from "../http/mod.ts";
import { catalogueSchemas as cat } from "../catalogue/mod.ts";

const consumer = z.object({
  service: z.string(),
  stream: z.string(),
  consumer: z.string(),
  pending: z.number().meta({ description: "not yet delivered" }),
  ackPending: z.number().meta({ description: "delivered, not yet acknowledged" }),
  oldestUnackedSeconds: z.number(),
});

/** What the ops page shows; counters are totals since `up` started. */
export const summary = z.object({
  at: cat.instant,
  bookings: z.number().meta({ description: "bookings answered 201 since start-up" }),
  confirmations: z.number(),
  errors5xx: z.number(),
  confirmBuckets: z.array(z.object({ le: z.number().nullable(), count: z.number() })).meta({
    description: "pending → confirmed, cumulative histogram buckets (`le` null is +Inf)",
  }),
  database: z.boolean(),
  nats: z.boolean(),
  outbox: z.object({ backlog: z.number(), oldestSeconds: z.number() }),
  consumers: z.array(consumer),
  deadLetters: z.array(z.object({ service: z.string(), messages: z.number() })),
  occupancy: z.array(z.object({
    propertyId: cat.id,
    name: z.string(),
    days: z.array(z.object({
      date: cat.day,
      total: z.number(),
      held: z.number(),
      sold: z.number(),
    })),
  })),
  moreProperties: z.number().meta({ description: "properties with inventory not shown" }),
});

export const opsSummary = operation({
  method: "get",
  path: "/v1/ops/summary",
  operationId: "getOpsSummary",
  tags: ["ops"],
  summary: "What the ops page (/ops) shows: counters, latency buckets, lag, dead letters, " +
    "outbox, occupancy of the coming days",
  role: "admin",
  responses: { 200: json(summary, "the platform now") },
  errors: { 503: ["metrics_unavailable"] },
});

export const opsPage = operation({
  method: "get",
  path: "/ops",
  operationId: "getOpsPage",
  tags: ["ops"],
  summary: "The ops page: no data of its own (its script reads /v1/ops/summary with a key)",
  role: "public",
  responses: {
    200: { description: "the page", content: { "text/html": { schema: z.string() } } },
  },
});

export const opsScript = operation({
  method: "get",
  path: "/ops/client.js",
  operationId: "getOpsScript",
  tags: ["ops"],
  summary: "The ops page's script",
  role: "public",
  responses: {
    200: { description: "a module script", content: { "text/javascript": { schema: z.string() } } },
  },
});
