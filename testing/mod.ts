/**
 * Test support: throwaway Postgres databases and nats-servers, real ones, made per test file.
 * `./berth test` sets BERTH_TEST_DATABASE_URL (a server to create databases on),
 * BERTH_NATS_SERVER (the nats-server binary) and BERTH_NATS_KEYS (berth's NATS users' keys,
 * which every test server knows and the processes a test starts sign in with).
 */
import type { Sql } from "../shared/db/mod.ts";
import { connectDb, migrate } from "../shared/db/mod.ts";
import type { TlsFiles } from "../cli/infra/mod.ts";
import {
  clusterFormed,
  clusterNodes,
  ensureUsers,
  freePort,
  NatsServer,
  natsUrlOf,
} from "../cli/infra/mod.ts";
import { connectNats } from "../shared/nats/mod.ts";

/**
 * The infrastructure helpers (cli/infra) that tests outside cli/ use: `shared/` imports nothing
 * from cli/, so its tests take them from here.
 */
export { ensureCertificates, freePort, waitForPort } from "../cli/infra/mod.ts";

function env(name: string): string {
  const v = Deno.env.get(name);
  if (!v) throw new Error(`${name} is not set: run the tests with ./berth test`);
  return v;
}

export interface TestDatabase {
  url: string;
  sql: Sql;
  drop(): Promise<void>;
}

/** A new, migrated database that only this test file uses. */
export async function testDatabase(): Promise<TestDatabase> {
  const admin = new URL(env("BERTH_TEST_DATABASE_URL"));
  const name = `berth_t_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const adminSql = connectDb(admin.href, { max: 1 });
  await adminSql.unsafe(`create database ${name}`);
  await adminSql.end();
  const url = new URL(admin.href);
  url.pathname = `/${name}`;
  const sql = connectDb(url.href, { max: 10 });
  await migrate(sql);
  return {
    url: url.href,
    sql,
    async drop() {
      await sql.end({ timeout: 1 });
      const a = connectDb(admin.href, { max: 1 });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/**
 * berth's users, as `up` gives its own servers, plus the test harness: a connection without
 * credentials (a test setting up streams or publishing what it likes) may do anything, while
 * a connection as a role ({@link connectAs}) has that role's rights only.
 */
async function testAuth() {
  const users = await ensureUsers(env("BERTH_NATS_KEYS"));
  return { users, harness: { user: "harness", password: crypto.randomUUID() } };
}

/**
 * A throwaway nats-server with JetStream on a free port, with berth's users (and TLS with
 * `tls`); `stop()` and `start()` again at will.
 */
export async function testNats(opts: { tls?: TlsFiles } = {}): Promise<NatsServer> {
  const server = new NatsServer({
    bin: env("BERTH_NATS_SERVER"),
    port: freePort(),
    storeDir: await Deno.makeTempDir({ prefix: "berth-nats-" }),
    syncInterval: "always",
    auth: await testAuth(),
    tls: opts.tls,
  });
  await server.start();
  return server;
}

/** Connects to a test NATS as a berth role, with its key: with that role's rights only. */
export function connectAs(url: string, role: string, opts: { ca?: string } = {}) {
  return connectNats(url, `test-${role}`, { role, keys: env("BERTH_NATS_KEYS"), ca: opts.ca });
}

/**
 * A throwaway JetStream cluster of `size` nats-servers on free ports (with berth's users, and
 * TLS for clients and routes with `tls`), formed (every node routed,
 * a meta leader elected) when it resolves; `url` lists every node.
 */
export async function testNatsCluster(size = 3, opts: { tls?: TlsFiles } = {}) {
  const dir = await Deno.makeTempDir({ prefix: "berth-nats-cluster-" });
  const ports = Array.from({ length: size }, () => ({ client: freePort(), route: freePort() }));
  const specs = clusterNodes(ports, dir, {
    syncInterval: "always",
    auth: await testAuth(),
    tls: opts.tls,
  });
  const nodes = specs.map((s) => new NatsServer({ bin: env("BERTH_NATS_SERVER"), ...s }));
  await Promise.all(nodes.map((n) => n.start()));
  const url = natsUrlOf(specs);
  await clusterFormed(url, size, { ca: opts.tls?.ca });
  return {
    nodes,
    url,
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** Deno.test for integration tests, which keep pools and connections open across steps. */
export function integration(name: string, fn: (t: Deno.TestContext) => Promise<void>): void {
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 5000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} not reached in ${timeoutMs} ms${last ? `: ${last}` : ""}`);
}

/**
 * Every table of the database (every schema) as `rows:md5 of its rows`, by schema-qualified
 * name, in one round trip: two digests differ exactly when a row was written, changed or
 * removed in between.
 */
export async function tableDigests(sql: Sql): Promise<Record<string, string>> {
  const rows = await sql<{ name: string; digest: string }[]>`
    select format('%I.%I', table_schema, table_name) as name,
      (xpath('/row/d/text()', query_to_xml(format(
        'select count(*) || '':'' || md5(coalesce(string_agg(t::text, E''\\n'' order by t::text), '''')) as d from %I.%I t',
        table_schema, table_name), false, true, '')))[1]::text as digest
    from information_schema.tables
    where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
    order by 1`;
  return Object.fromEntries(rows.map((r) => [r.name, r.digest]));
}
