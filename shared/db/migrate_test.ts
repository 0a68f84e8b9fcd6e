import assert from "node:assert/strict";
import { integration, testDatabase } from "../../testing/mod.ts";
import { migrate } from "./migrate.ts";

integration("migrate: applied once each, also when two processes race", async () => {
  const db = await testDatabase(); // already migrated once
  try {
    const dir = await Deno.makeTempDir();
    await Deno.writeTextFile(`${dir}/0001_a.sql`, "create table a (x int);");
    await Deno.writeTextFile(`${dir}/0002_b.sql`, "insert into a values (1);");
    await db.sql`drop table schema_migrations`;
    const results = await Promise.all([
      migrate(db.sql, dir),
      migrate(db.sql, dir),
      migrate(db.sql, dir),
    ]);
    assert.deepEqual(results.flat().sort(), [1, 2]);
    const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from a`;
    assert.equal(n, 1);
    assert.deepEqual(await migrate(db.sql, dir), []);
  } finally {
    await db.drop();
  }
});

integration("migrate: a failing file changes nothing and names itself", async () => {
  const db = await testDatabase();
  try {
    const dir = await Deno.makeTempDir();
    await Deno.writeTextFile(`${dir}/0001_ok.sql`, "create table ok (x int);");
    await Deno.writeTextFile(`${dir}/0002_bad.sql`, "create table half (x int); select nonsense;");
    await db.sql`drop table schema_migrations`;
    await assert.rejects(migrate(db.sql, dir), /migration 2_bad failed/);
    const [{ half }] = await db.sql`select to_regclass('half') as half`;
    assert.equal(half, null);
    const versions = await db.sql`select version from schema_migrations`;
    assert.deepEqual(versions.map((r) => r.version), [1]);
  } finally {
    await db.drop();
  }
});
