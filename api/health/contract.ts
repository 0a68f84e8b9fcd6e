/** The operations of the platform's health (see `api/http/openapi.ts` for the style). */
import { z } from "zod";
import { json, operation, problemJson } from "../http/mod.ts";

/** "ok", or why a dependency did not answer. */
const check = z.string().meta({ description: "`ok`, or why it failed", example: "ok" });

export const health = operation({
  method: "get",
  path: "/health",
  operationId: "getHealth",
  tags: ["ops"],
  summary: "Liveness: the process is up, with NATS and the outbox backlog",
  role: "public",
  responses: {
    200: json(
      z.object({
        status: z.literal("ok"),
        nats: check.meta({ description: "`ok`, `not configured`, or why it failed" }),
        outbox: z.union([
          z.object({
            unpublished: z.number().int().meta({ description: "events not yet on NATS" }),
            oldestSeconds: z.number().meta({ description: "age of the oldest of them" }),
          }),
          check,
        ]),
      }),
      "always, while the process runs",
    ),
  },
  // Its checks wait up to 500 ms: longer than a request deadline set as short as 100 ms.
  errors: { 504: ["timeout"] },
});

export const readyChecks = z.object({ postgres: check });

export const ready = operation({
  method: "get",
  path: "/ready",
  operationId: "getReadiness",
  tags: ["ops"],
  summary: "Readiness: can take bookings (Postgres answers)",
  description: "NATS down only delays events, which wait in the outbox: still ready.",
  role: "public",
  responses: {
    200: json(
      z.object({ status: z.literal("ready"), checks: readyChecks }),
      "ready to take bookings",
    ),
    503: problemJson(503, "not_ready", { checks: readyChecks }),
  },
  // Postgres gets up to 1.5 s to answer: longer than a short request deadline.
  errors: { 504: ["timeout"] },
});

/** The Prometheus text exposition format (prom-client adds `charset=utf-8`). */
const PROMETHEUS_TEXT = "text/plain; version=0.0.4";

export const metrics = operation({
  method: "get",
  path: "/metrics",
  operationId: "getMetrics",
  tags: ["ops"],
  summary: "Prometheus metrics of the whole platform (every api and workers process summed)",
  description: "See docs/metrics.md for every series.",
  role: "public",
  responses: {
    200: {
      description: "the Prometheus text exposition format",
      content: {
        [PROMETHEUS_TEXT]: {
          schema: z.string().meta({ example: "berth_http_requests_total{...} 12" }),
        },
      },
    },
  },
  errors: { 503: ["metrics_unavailable"], 504: ["timeout"] },
});
