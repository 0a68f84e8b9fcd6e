import { $, OpenAPIHono } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import { timeout } from "hono/timeout";
import { HTTPException } from "hono/http-exception";
import type { Deps, Env } from "./http/mod.ts";
import { onError, onNotFound } from "./http/mod.ts";
import {
  authenticate,
  observe,
  rateLimit,
  readBody,
  requestContext,
  traceRoute,
} from "./gateway/mod.ts";
import { healthRoutes } from "./health/mod.ts";
import { keyRoutes } from "./keys/mod.ts";
import { catalogueRoutes } from "./catalogue/mod.ts";
import { reservationRoutes, reservationSearchRoutes } from "./reservations/mod.ts";
import { webhookRoutes } from "./webhooks/mod.ts";
import { auditRoutes } from "./audit/mod.ts";
import { historyRoutes } from "./history/mod.ts";
import { analyticsRoutes } from "./analytics/mod.ts";
import { rateRoutes } from "./rates/mod.ts";
import type { Principal } from "./keys/mod.ts";
import { buildInfo, PlatformMetrics } from "../shared/metrics/mod.ts";
import { VERSION } from "./version.ts";
import type { OpenApiDocument } from "./docs/mod.ts";
import { docsRoutes, documentedRoutes, openApiDocument } from "./docs/mod.ts";
import { opsPageRoutes, opsRoutes } from "./ops/mod.ts";

/**
 * How long Postgres lets a statement of the api run: 80 % of the request deadline. A statement
 * that runs longer is cancelled and rolled back (503 `unavailable`, nothing written), so a 504
 * `timeout` is left for a request whose statements really ran past the deadline.
 */
export function statementTimeoutMs(requestTimeoutMs: number): number {
  return Math.floor(requestTimeoutMs * 0.8);
}

/** The request ran past its deadline while its work went on, which may still commit. */
const requestTimedOut = new HTTPException(504, {
  message: "the request ran past its deadline and may still be applied: " +
    "retry it with the same Idempotency-Key to get its answer",
});

/**
 * Every operation of the api, each module's declared once (`api/http/openapi.ts`) with its full
 * path; `/v1` needs an API key (then rate limits apply). `document` is the OpenAPI document of
 * the result, which `/openapi.json` and `/docs` serve.
 */
function operations(
  deps: Deps,
  resolveKey: (key: string) => Promise<Principal | null>,
  document: () => OpenApiDocument,
) {
  const platform = new PlatformMetrics(deps.sql, deps.nc, deps.now);
  return $(
    new OpenAPIHono<Env>()
      .route("/", healthRoutes(platform))
      .route("/", docsRoutes(document))
      .route("/", opsPageRoutes())
      .use("/v1/*", authenticate(resolveKey))
      .use("/v1/*", rateLimit(deps.config.BERTH_RATE_LIMIT_PER_SECOND)),
  )
    .route("/", keyRoutes())
    .route("/", reservationRoutes())
    .route("/", reservationSearchRoutes())
    .route("/", auditRoutes())
    .route("/", historyRoutes())
    .route("/", analyticsRoutes())
    .route("/", rateRoutes())
    .route("/", catalogueRoutes())
    .route("/", webhookRoutes())
    .route("/", opsRoutes(platform));
}

/**
 * The whole HTTP surface: the gateway (ids, CORS, limits, timeouts, auth, rate limits) in
 * front of one sub-app per domain module. Everything it needs comes in through `deps`.
 */
export function createApp(deps: Deps, resolveKey: (key: string) => Promise<Principal | null>) {
  const { config } = deps;
  buildInfo(deps.registry, VERSION);

  // The thunk runs on a request, once `document` is set.
  const api = operations(deps, resolveKey, () => document);
  const document = openApiDocument(api);

  const app = new OpenAPIHono<Env>()
    .use(async (c, next) => {
      c.set("deps", deps);
      await next();
    })
    .use(requestContext())
    .use(traceRoute())
    .use(observe(deps.registry, documentedRoutes(document)))
    .use(cors({
      origin: config.BERTH_CORS_ORIGINS === "*" ? "*" : config.BERTH_CORS_ORIGINS.split(","),
      allowHeaders: [
        "Authorization",
        "Content-Type",
        "Idempotency-Key",
        "If-Match",
        "X-Request-Id",
        "traceparent",
      ],
      exposeHeaders: ["X-Request-Id", "X-Correlation-Id", "Retry-After", "ETag", "Link"],
    }))
    .use(timeout(config.BERTH_REQUEST_TIMEOUT_MS, requestTimedOut))
    .use(readBody({
      maxBytes: config.BERTH_BODY_LIMIT_BYTES,
      timeoutMs: config.BERTH_BODY_TIMEOUT_MS,
    }))
    .route("/", api);
  app.onError(onError);
  app.notFound(onNotFound(app.routes));
  return app;
}
