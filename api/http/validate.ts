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

/** Why `text` cannot be stored as it is, or null. */
function textProblem(text: string): string | null {
  if (text.includes("\u0000")) return "must not contain NUL (U+0000) characters";
  if (!text.isWellFormed()) {
    return "must be well-formed Unicode (no lone surrogate such as \\ud800)";
  }
  return null;
}

/**
 * Every string in `value` that Postgres cannot store as it is, as a field error: a NUL (U+0000)
 * text and jsonb refuse; a lone surrogate (JSON may escape one, UTF-8 cannot carry it) jsonb
 * refuses and text would keep as U+FFFD. No request may pass one in, whatever its schema says.
 */
export function textErrors(value: unknown, path: string[] = []): FieldError[] {
  if (typeof value === "string") {
    const message = textProblem(value);
    return message ? [{ path: path.join("."), message }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => textErrors(v, [...path, String(i)]));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => textErrors(v, [...path, k]));
  }
  return [];
}

/** The field errors of a parse: zod's issues, or the text it accepted that cannot be stored. */
function problemsOf(
  result: { success: true; data: unknown } | { success: false; error: unknown },
  prefix: string,
): FieldError[] {
  return result.success
    ? textErrors(result.data, prefix ? [prefix] : [])
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
