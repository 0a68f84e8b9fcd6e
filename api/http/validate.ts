import type { z } from "zod";
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import { ValidationFailed } from "../../shared/errors/errors.ts";

/** Turns zod issues into problem+json field errors. */
export function fieldErrors(error: z.ZodError, prefix = ""): { path: string; message: string }[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join("."),
    message: i.message,
  }));
}

/**
 * zod validation for a request part; failures become 400 `validation_failed` listing each
 * bad field. A body that is not JSON is one field error on `body`.
 */
export function validate<T extends z.ZodType, K extends keyof ValidationTargets>(
  target: K,
  schema: T,
) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      throw new ValidationFailed(
        `the request ${target} is not valid`,
        fieldErrors(result.error as unknown as z.ZodError, target === "json" ? "" : target),
      );
    }
  });
}
