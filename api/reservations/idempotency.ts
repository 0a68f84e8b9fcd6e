/** Idempotency keys of POST /v1/reservations, scoped to the API key, kept for a set time. */
import { createHash } from "node:crypto";
import type { Sql } from "../../shared/db/db.ts";

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

/** SHA-256 (hex) of the canonical JSON of a request body. */
export function requestHash(body: unknown): string {
  return createHash("sha256").update(canonicalJson(body)).digest("hex");
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

/**
 * Claims a key inside the booking's transaction: true when this request owns it (new, or the
 * old one expired). When another request holds it uncommitted, Postgres makes this wait until
 * that one commits (false: read its answer) or rolls back (true: go ahead).
 */
export async function claimKey(
  tx: Sql,
  k: { apiKeyId: string; key: string; requestHash: string; now: Date; expiresAt: Date },
): Promise<boolean> {
  const rows = await tx`
    insert into idempotency_keys (api_key_id, key, request_hash, created_at, expires_at)
    values (${k.apiKeyId}, ${k.key}, ${k.requestHash}, ${k.now}, ${k.expiresAt})
    on conflict (api_key_id, key) do update
      set request_hash = excluded.request_hash, status = null, response = null,
        created_at = excluded.created_at, expires_at = excluded.expires_at
      where idempotency_keys.expires_at <= ${k.now}
    returning 1`;
  return rows.length === 1;
}

/** Records the answer given under a claimed key. */
export async function storeAnswer(
  tx: Sql,
  apiKeyId: string,
  key: string,
  status: number,
  body: unknown,
): Promise<void> {
  await tx`update idempotency_keys set status = ${status}, response = ${tx.json(body as never)}
    where api_key_id = ${apiKeyId} and key = ${key}`;
}
