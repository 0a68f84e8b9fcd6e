import type { Sql } from "./db.ts";

/** Advisory lock key held while migrating, so two processes never apply the same file. */
const MIGRATION_LOCK = 7_201_001;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Reads `NNNN_name.sql` files from a folder, in order. */
export async function readMigrations(dir: string | URL): Promise<Migration[]> {
  const out: Migration[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const m = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(entry.name);
    if (!entry.isFile || !m) continue;
    const path = typeof dir === "string" ? `${dir}/${entry.name}` : new URL(entry.name, dir);
    out.push({ version: Number(m[1]), name: m[2], sql: await Deno.readTextFile(path) });
  }
  return out.sort((a, b) => a.version - b.version);
}

/** The folder of this repository's migrations. */
export const migrationsDir = new URL("../../migrations/", import.meta.url);

/**
 * Applies every migration not yet recorded, each in its own transaction, under a
 * session advisory lock. Returns the versions it applied.
 */
export async function migrate(sql: Sql, dir: string | URL = migrationsDir): Promise<number[]> {
  const migrations = await readMigrations(dir);
  const conn = await sql.reserve();
  try {
    await conn`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await conn`create table if not exists schema_migrations (
      version int primary key, name text not null, applied_at timestamptz not null default now())`;
    const done = new Set(
      (await conn<{ version: number }[]>`select version from schema_migrations`).map((r) =>
        r.version
      ),
    );
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await conn.unsafe("begin");
      try {
        await conn.unsafe(m.sql);
        await conn`insert into schema_migrations (version, name) values (${m.version}, ${m.name})`;
        await conn.unsafe("commit");
      } catch (err) {
        await conn.unsafe("rollback");
        throw new Error(`migration ${m.version}_${m.name} failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
      applied.push(m.version);
    }
    return applied;
  } finally {
    await conn`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => {});
    conn.release();
  }
}
