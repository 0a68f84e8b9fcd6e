import type { Sql } from "../../shared/db/db.ts";
import type { Role } from "./keys.ts";

export interface ApiKeyRow {
  id: string;
  name: string;
  role: Role;
  created_at: string;
  revoked_at: string | null;
}

/** The live (not revoked) key with this hash, if any. */
export async function findActiveKey(sql: Sql, keyHash: string) {
  const [row] = await sql<{ id: string; role: Role }[]>`
    select id, role from api_keys where key_hash = ${keyHash} and revoked_at is null`;
  return row ?? null;
}

export async function insertKey(
  sql: Sql,
  k: { id: string; name: string; role: Role; keyHash: string },
): Promise<ApiKeyRow> {
  const [row] = await sql<ApiKeyRow[]>`
    insert into api_keys (id, name, role, key_hash) values (${k.id}, ${k.name}, ${k.role}, ${k.keyHash})
    returning id, name, role, created_at, revoked_at`;
  return row;
}

export async function listKeys(sql: Sql): Promise<ApiKeyRow[]> {
  return await sql<ApiKeyRow[]>`
    select id, name, role, created_at, revoked_at from api_keys order by created_at`;
}

/** Revokes a key; null when there is no such key. */
export async function revokeKey(sql: Sql, id: string): Promise<ApiKeyRow | null> {
  const [row] = await sql<ApiKeyRow[]>`
    update api_keys set revoked_at = coalesce(revoked_at, now()) where id = ${id}
    returning id, name, role, created_at, revoked_at`;
  return row ?? null;
}
