import type { z } from "zod";
import { zValidator } from "@hono/zod-validator";
import type { Context, ValidationTargets } from "hono";
import { HTTPException } from "hono/http-exception";
import { type FieldError, ValidationFailed } from "../../shared/errors/errors.ts";

/** Turns zod issues into problem+json field errors. */
export function fieldErrors(error: z.ZodError, prefix = ""): FieldError[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join("."),
    message: i.message,
  }));
}

/**
 * Every string in `value` that holds a NUL (U+0000) as a field error: Postgres text and jsonb
 * cannot store it, so no request may pass one in, whatever its schema says.
 */
export function nulErrors(value: unknown, path: string[] = []): FieldError[] {
  if (typeof value === "string") {
    return value.includes("\u0000")
      ? [{ path: path.join("."), message: "must not contain NUL (U+0000) characters" }]
      : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => nulErrors(v, [...path, String(i)]));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => nulErrors(v, [...path, k]));
  }
  return [];
}

/** The field errors of a parse: zod's issues, or the NULs in what it accepted. */
function problemsOf(
  result: { success: true; data: unknown } | { success: false; error: unknown },
  prefix: string,
): FieldError[] {
  return result.success
    ? nulErrors(result.data, prefix ? [prefix] : [])
    : fieldErrors(result.error as z.ZodError, prefix);
}

const jsonType = /^application\/([\w.-]+\+)?json$/i;

/** 415 `unsupported_media_type` unless the request says its body is JSON. */
export function requireJson(c: Context): void {
  const type = (c.req.header("content-type") ?? "").split(";")[0].trim();
  if (!jsonType.test(type)) {
    throw new HTTPException(415, {
      message: "the body must be JSON (Content-Type: application/json)",
    });
  }
}

/**
 * zod validation for a request part; failures become 400 `validation_failed` listing each
 * bad field. A JSON body needs a JSON Content-Type (415 otherwise); malformed JSON is a 400.
 */
export function validate<T extends z.ZodType, K extends keyof ValidationTargets>(
  target: K,
  schema: T,
) {
  return zValidator(target, schema, (result, c) => {
    if (target === "json") requireJson(c);
    const errors = problemsOf(result, target === "json" ? "" : target);
    if (errors.length) throw new ValidationFailed(`the request ${target} is not valid`, errors);
  });
}

/** Parses a body a handler has read itself, with the same rules and errors as `validate`. */
export function parseBody<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  const errors = problemsOf(result, "");
  if (errors.length) throw new ValidationFailed("the request body is not valid", errors);
  return result.data as z.infer<T>;
}
