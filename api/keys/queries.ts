import type { PageOpts, Sql } from "../../shared/db/mod.ts";
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

/** Keys, oldest first, with their place in the list (`cursor_at`). */
export async function listKeys(
  sql: Sql,
  page: PageOpts,
): Promise<(ApiKeyRow & { cursor_at: string })[]> {
  return await sql<(ApiKeyRow & { cursor_at: string })[]>`
    select id, name, role, created_at, revoked_at, cursor_at(created_at) from api_keys
    where ${
    page.after
      ? sql`(created_at, id) > (${page.after.at}::text::timestamptz, ${page.after.id})`
      : sql`true`
  }
    order by created_at, id limit ${page.limit}`;
}

/** Revokes a key; null when there is no such key. */
export async function revokeKey(sql: Sql, id: string): Promise<ApiKeyRow | null> {
  const [row] = await sql<ApiKeyRow[]>`
    update api_keys set revoked_at = coalesce(revoked_at, now()) where id = ${id}
    returning id, name, role, created_at, revoked_at`;
  return row ?? null;
}
