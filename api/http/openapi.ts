/**
 * How every route of the api is declared: once, with `operation(...)`, from which both the Hono
 * handler's validation and types and the OpenAPI 3.1 entry of `/openapi.json` come
 * (`@hono/zod-openapi`). A module declares its operations beside its schemas and registers
 * each with `app.openapi(declaration, handler)` on an `apiModule()`:
 *
 * ```ts
 * export const getReservation = operation({
 *   method: "get",
 *   path: "/v1/reservations/{id}",   // the full path, as a client calls it
 *   operationId: "getReservation",
 *   tags: ["reservations"],
 *   summary: "A reservation with its status history",
 *   role: "key",                     // "public" (no key), "key" (any key), "admin"
 *   request: { params: reservationParam },          // params, query, body: zod schemas
 *   responses: { 200: json(reservationWithHistory, "the reservation") },
 *   errors: { 404: ["not_found"] },  // what the handler and the domain may answer
 * });
 * apiModule().openapi(getReservation, async (c) => c.json(view, 200));
 * ```
 *
 * A response header: `200: { ...json(schema, "…"), headers: z.object({ ETag: z.string() }) }`;
 * a request header the handler reads itself: `parameters: [{ name, in: "header", … }]` (as the
 * reservations' Idempotency-Key). A list: `json(z.object({ items: z.array(schema) }), "…")`.
 * Every module's app is mounted at `/` in `operations()` of `api/app.ts`; `/v1/*` needs a key.
 *
 * The handler's answers are typed against `responses`: a field the schema lacks, or another
 * status, does not compile. The errors the gateway and validation add are implied and listed
 * with the declared ones, each status as problem+json whose `code` is one of those named:
 * 400 `validation_failed` (a request with params, query, body or headers), 401 and 429 (any
 * key), 403 (admin), 408 and 413 (a method with a body), 415 (a JSON body), 503 `unavailable`
 * and 504 `timeout` (every operation behind a key).
 */
import type { RouteConfig } from "@hono/zod-openapi";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { ZodType } from "zod";
import type { Env } from "./env.ts";
import { requireRole } from "./role.ts";
import { fieldErrors, requireJson, textErrors } from "./validate.ts";
import { ValidationFailed } from "../../shared/errors/mod.ts";

/** Who may call an operation: anyone, any API key, or an admin key. */
export type Role = "public" | "key" | "admin";

/** A field error of a 400 `validation_failed`. */
export const fieldError = z.object({
  path: z.string().meta({ description: "where: `guest.email`, `param.id`, `query.from`" }),
  message: z.string(),
});

/** The problem+json document (RFC 9457) of every error, with berth's stable `code`. */
export const problem = z.object({
  type: z.string().meta({ example: "https://berth.dev/problems/sold_out" }),
  title: z.string().meta({ example: "Conflict" }),
  status: z.number().int().meta({ example: 409 }),
  detail: z.string().meta({ example: "not enough left on one of the dates" }),
  code: z.string().meta({ description: "stable: clients branch on it", example: "sold_out" }),
  errors: z.array(fieldError).optional().meta({ description: "the fields at fault (400)" }),
}).meta({ id: "Problem" });

export type ErrorStatus = 400 | 401 | 403 | 404 | 408 | 409 | 412 | 413 | 415 | 429 | 503 | 504;

const titles: Record<ErrorStatus, string> = {
  400: "The request is not valid",
  401: "No valid API key",
  403: "The key's role may not do this",
  404: "Not found",
  408: "The body did not arrive in time",
  409: "Conflict with the current state",
  412: "Changed since the version the request names (If-Match)",
  413: "The body is too large",
  415: "The body is not JSON",
  429: "Too many requests for this key",
  503: "Unavailable for now: retry (Retry-After)",
  504: "Ran past the request deadline: it may still be applied; retry with the same key",
};

/** A success answer: `schema` as `application/json`. */
export function json<T extends ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

/** What a problem answer of `status` with one of `codes` means. */
const meaning = (status: ErrorStatus, codes: readonly string[]) =>
  `${titles[status]}: ${codes.map((c) => `\`${c}\``).join(", ")}`;

/** The problem answer of `status` whose `code` is one of `codes`: a `Problem`, code narrowed. */
function problemOf(status: ErrorStatus, codes: readonly string[]) {
  return {
    description: meaning(status, codes),
    content: {
      "application/problem+json": {
        schema: {
          allOf: [
            { $ref: "#/components/schemas/Problem" },
            {
              type: "object" as const,
              properties: { code: { type: "string" as const, enum: [...codes] } },
            },
          ],
        },
      },
    },
  };
}

/**
 * A problem answer a handler returns itself (not thrown), typed: `Problem` with `code` and the
 * fields of `extra`.
 */
export function problemJson<const C extends string, E extends z.ZodRawShape>(
  status: ErrorStatus,
  code: C,
  extra: E,
) {
  return {
    description: meaning(status, [code]),
    content: {
      "application/problem+json": { schema: problem.extend({ code: z.literal(code), ...extra }) },
    },
  };
}

type Declaration = Omit<RouteConfig, "security" | "middleware"> & {
  operationId: string;
  summary: string;
  tags: [string];
  role: Role;
  /** Error statuses the handler or the domain may answer, with their codes. */
  errors?: Partial<Record<ErrorStatus, readonly string[]>>;
};

/** The errors `d` implies: validation, the gateway's, its role's. */
function impliedErrors(d: Declaration): Partial<Record<ErrorStatus, string[]>> {
  const r = d.request;
  const validated = r?.params || r?.query || r?.body ||
    (d.parameters as { in?: string }[] | undefined)?.some((p) => p.in === "header");
  return {
    ...(validated ? { 400: ["validation_failed"] } : {}),
    ...(d.role !== "public" ? { 401: ["unauthorized"] } : {}),
    ...(d.role === "admin" ? { 403: ["forbidden"] } : {}),
    ...(d.method !== "get" ? { 408: ["request_timeout"], 413: ["payload_too_large"] } : {}),
    ...(r?.body ? { 415: ["unsupported_media_type"] } : {}),
    ...(d.role !== "public"
      ? { 429: ["rate_limited"], 503: ["unavailable"], 504: ["timeout"] }
      : {}),
  };
}

/** An optional body sent empty is no body, whatever its Content-Type says. */
const emptyBodyIsNone: MiddlewareHandler<Env> = async (c, next) => {
  if (c.req.raw.body && !(await c.req.raw.clone().text()).trim()) {
    const headers = new Headers(c.req.raw.headers);
    headers.delete("content-type");
    c.req.raw = new Request(c.req.raw.url, { method: c.req.method, headers });
  }
  await next();
};

/**
 * A route declared once: its OpenAPI entry (security, the `x-berth-role`, every error status
 * as problem+json) and, through `apiModule().openapi`, its validation and admin check.
 */
export function operation<const D extends Declaration>(d: D) {
  const { role, errors, ...route } = d;
  const implied = impliedErrors(d);
  const statuses = new Set([...Object.keys(implied), ...Object.keys(errors ?? {})].map(Number));
  const errorResponses = Object.fromEntries(
    [...statuses].sort((a, b) => a - b).map((s) => {
      const status = s as ErrorStatus;
      const codes = [...new Set([...(implied[status] ?? []), ...(errors?.[status] ?? [])])];
      return [status, problemOf(status, codes)];
    }),
  );
  return createRoute({
    ...route,
    "x-berth-role": role,
    ...(role === "public" ? { security: [] } : {}),
    middleware: [
      ...(role === "admin" ? [requireRole("admin")] : []),
      ...(d.request?.body?.required === false ? [emptyBodyIsNone] : []),
    ],
    responses: { ...errorResponses, ...route.responses },
  }) as unknown as Omit<D, "role" | "errors"> & { getRoutingPath(): string };
}

/**
 * zod's verdict on a request part as the api answers it: 400 `validation_failed` listing each
 * bad field (`param.id`, `query.from`, `guest.email`), and text Postgres cannot store (NUL, lone
 * surrogates) refused whatever the schema says. A JSON body needs a JSON Content-Type (415).
 */
function validationHook(
  result:
    & { target: string }
    & ({ success: true; data: unknown } | { success: false; error: unknown }),
  c: Parameters<typeof requireJson>[0],
): void {
  if (result.target === "json") requireJson(c);
  const prefix = result.target === "json" ? "" : result.target;
  const errors = result.success
    ? textErrors(result.data, prefix ? [prefix] : [])
    : fieldErrors(result.error as z.ZodError, prefix);
  if (errors.length) {
    throw new ValidationFailed(`the request ${result.target} is not valid`, errors);
  }
}

/** A module's app: its operations validate with `validationHook`. */
export function apiModule(): OpenAPIHono<Env> {
  return new OpenAPIHono<Env>({ defaultHook: validationHook });
}
