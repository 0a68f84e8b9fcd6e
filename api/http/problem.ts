import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { PatternRouter } from "hono/router/pattern-router";
import { z } from "zod";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ErrorKind, FieldError } from "../../shared/errors/mod.ts";
import { DomainError } from "../../shared/errors/mod.ts";
import { isPgError, isPgUnavailable } from "../../shared/db/mod.ts";
import { log } from "../../shared/log/mod.ts";
import { fieldErrors, JSON_ONLY } from "./validate.ts";

/** An RFC 9457 problem document with berth's stable `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
}

const titles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  412: "Precondition Failed",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** Builds a problem+json response. */
export function problem(
  c: Context,
  status: number,
  code: string,
  detail: string,
  errors?: FieldError[],
): Response {
  const body: Problem = {
    type: `https://berth.dev/problems/${code}`,
    title: titles[status] ?? "Error",
    status,
    detail,
    code,
    ...(errors?.length ? { errors } : {}),
  };
  return c.body(JSON.stringify(body), status as ContentfulStatusCode, {
    "content-type": "application/problem+json",
  });
}

/** The HTTP status of each kind of domain error: the one place the domain meets HTTP. */
export const statusOfKind: Record<ErrorKind, ContentfulStatusCode> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
};

/**
 * A refusal only the api makes (the gateway's limits, the metrics hub), with its own status and
 * code; the domain's refusals are DomainErrors.
 */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const httpCodes: Record<number, string> = {
  400: "validation_failed",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
  504: "timeout",
};

/** The one error handler: domain errors, HTTPExceptions and SQLSTATEs become problem+json. */
export function onError(err: Error, c: Context): Response {
  if (err instanceof DomainError) {
    return problem(c, statusOfKind[err.kind], err.code, err.message, err.errors);
  }
  if (err instanceof ApiError) return problem(c, err.status, err.code, err.message);
  if (err instanceof HTTPException) {
    const status = err.status;
    // Whoever refused the body's type (the route's media type check or requireJson), say why.
    const detail = status === 415 ? JSON_ONLY : err.message || titles[status] || "";
    return problem(c, status, httpCodes[status] ?? "error", detail);
  }
  if (err instanceof z.ZodError) {
    return problem(c, 400, "validation_failed", "the request is not valid", fieldErrors(err));
  }
  if (isPgError(err, "23514")) {
    // A CHECK constraint caught what the locks should have: nothing was written.
    return problem(c, 409, "sold_out", "not enough inventory left");
  }
  if (isPgError(err, "23505")) return problem(c, 409, "conflict", "that already exists");
  // Deadlock, serialization failure, lock not available, statement timeout: rolled back.
  if (isPgError(err, "40P01", "40001", "55P03", "57014")) {
    c.header("Retry-After", "1");
    return problem(c, 503, "unavailable", "the database was busy; retry the request");
  }
  if (isPgUnavailable(err)) {
    log.warn("database unavailable", { err });
    c.header("Retry-After", "1");
    return problem(
      c,
      503,
      "unavailable",
      "the database cannot be reached; retry shortly with the same Idempotency-Key",
    );
  }
  log.error("unhandled error", { err, path: c.req.path });
  return problem(c, 500, "internal", "an unexpected error happened; it has been logged");
}

const methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/**
 * Requests no route takes: 405 `method_not_allowed` with `Allow` when one of `routes` has the
 * path with other methods, 404 `not_found` otherwise.
 */
export function onNotFound(routes: { method: string; path: string }[]) {
  const router = new PatternRouter<string>();
  for (const r of routes) if (r.method !== "ALL") router.add(r.method, r.path, r.method);
  return (c: Context): Response => {
    const allowed = methods.filter((m) => router.match(m, c.req.path)[0].length > 0);
    if (!allowed.length) {
      return problem(c, 404, "not_found", `no route for ${c.req.method} ${c.req.path}`);
    }
    c.header("Allow", allowed.join(", "));
    return problem(
      c,
      405,
      "method_not_allowed",
      `${c.req.path} does not take ${c.req.method}; it takes ${allowed.join(", ")}`,
    );
  };
}
