/**
 * Idempotency keys of the reservation writes (book, modify, cancel, check-in, check-out),
 * scoped to the API key, kept for a set time. The key is claimed and the answer stored by the
 * write's own statement (`booking_apply`, migrations 0004 and 0005); here: the request hash
 * and reading a stored answer.
 */
import { createHash } from "node:crypto";
import type { Sql } from "../../shared/db/mod.ts";

export interface StoredAnswer {
  requestHash: string;
  status: number;
  body: unknown;
}

/** JSON with object keys sorted, so the same body always hashes the same. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${
      Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(",")
    }}`;
  }
  return JSON.stringify(v);
}

/**
 * SHA-256 (hex) of a request: its method, path and the canonical JSON of its body, so a key
 * sent again with another body or to another route is told apart.
 */
export function requestHash(method: string, path: string, body: unknown): string {
  return createHash("sha256").update(canonicalJson({ method, path, body })).digest("hex");
}

/** The answer stored under a live key, if any. */
export async function storedAnswer(sql: Sql, apiKeyId: string, key: string, now: Date) {
  const [row] = await sql<{ request_hash: string; status: number | null; response: unknown }[]>`
    select request_hash, status, response from idempotency_keys
    where api_key_id = ${apiKeyId} and key = ${key} and expires_at > ${now}`;
  return row && row.status !== null
    ? { requestHash: row.request_hash, status: row.status, body: row.response } as StoredAnswer
    : null;
}
