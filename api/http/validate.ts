import type { z } from "zod";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { FieldError } from "../../shared/errors/mod.ts";

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

const jsonType = /^application\/([\w.-]+\+)?json$/i;

/** Why a body was refused with 415. */
export const JSON_ONLY = "the body must be JSON (Content-Type: application/json)";

/** 415 `unsupported_media_type` unless the request says its body is JSON. */
export function requireJson(c: Context): void {
  const type = (c.req.header("content-type") ?? "").split(";")[0].trim();
  if (!jsonType.test(type)) {
    throw new HTTPException(415, { message: JSON_ONLY });
  }
}
