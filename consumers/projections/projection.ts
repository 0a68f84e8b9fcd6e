/**
 * A projection that can be rebuilt from events: its service (events, streams, inbox name), the
 * handler writing its unqualified tables, and where those tables live. The rebuild's shadow
 * (`<schema>_rebuild`) and the snapshot (`<schema>_snapshot`) are copies of the same tables,
 * made at run time with `create table … (like …)`, so they follow the live tables' migrations.
 */
import type { Sql } from "../../shared/db/mod.ts";
import type { Envelope } from "../../shared/events/mod.ts";
import type { Service } from "../runtime/mod.ts";

/** A projection `./berth projections rebuild` knows. */
export interface Projection {
  name: string;
  // deno-lint-ignore no-explicit-any
  service: Service<any>;
  /** The live schema; its handler writes unqualified names under a search path. */
  schema: string;
  /** The live tables of `schema`. */
  tables: readonly string[];
  apply(tx: Sql, event: Envelope): Promise<void>;
  /** The live rows in a stable order, for comparisons. */
  rows(sql: Sql): Promise<unknown>;
}

const at = (schema: string, table: string) => `${schema}.${table}`;

/** A live table of a projection: the columns that order its rows, and those left out of them. */
export interface ProjectedTable {
  name: string;
  orderBy: readonly string[];
  /** Columns a rebuild fills anew (a serial id), so not compared. */
  ignore?: readonly string[];
}

/**
 * The projection `service` keeps in the schema of its own name, written by `apply`: its
 * `rows` are each table's rows in `orderBy` order, without the ignored columns.
 */
export function projectionOf(
  // deno-lint-ignore no-explicit-any
  service: Service<any>,
  apply: Projection["apply"],
  tables: readonly ProjectedTable[],
): Projection {
  const schema = service.name;
  return {
    name: service.name,
    service,
    schema,
    tables: tables.map((t) => t.name),
    apply,
    async rows(sql: Sql): Promise<unknown> {
      const out = [];
      for (const t of tables) {
        const rows = await sql`
          select * from ${sql(at(schema, t.name))} order by ${sql(t.orderBy as string[])}`;
        out.push(rows.map((r) => withoutColumns(r, t.ignore ?? [])));
      }
      return out;
    },
  };
}

function withoutColumns(row: Record<string, unknown>, ignore: readonly string[]) {
  return Object.fromEntries(Object.entries(row).filter(([k]) => !ignore.includes(k)));
}

/** The schema a rebuild fills before it is copied over the live tables. */
export const shadowOf = (p: Projection) => `${p.schema}_rebuild`;

/** The schema that keeps a projection's latest snapshot. */
export const snapshotOf = (p: Projection) => `${p.schema}_snapshot`;

/** The search path under which `apply` writes the shadow. */
export const shadowPath = (p: Projection) => `${shadowOf(p)}, public`;

/** A fresh `schema` with an empty table `like` each live table (`including all` when asked). */
export async function copySchema(
  sql: Sql,
  p: Projection,
  schema: string,
  opts: { includingAll: boolean },
): Promise<void> {
  await sql`drop schema if exists ${sql(schema)} cascade`;
  await sql`create schema ${sql(schema)}`;
  for (const t of p.tables) {
    await (opts.includingAll
      ? sql`create table ${sql(at(schema, t))} (like ${sql(at(p.schema, t))} including all)`
      : sql`create table ${sql(at(schema, t))} (like ${sql(at(p.schema, t))})`);
  }
}

/** Copies every table's rows from schema `from` into the same table of schema `to`. */
export async function copyRows(sql: Sql, p: Projection, from: string, to: string) {
  for (const t of p.tables) {
    await sql`insert into ${sql(at(to, t))} select * from ${sql(at(from, t))}`;
  }
}

/** Locks the live tables against the live handler's writes until the transaction ends. */
export async function lockLive(tx: Sql, p: Projection): Promise<void> {
  await tx`lock table ${tx(p.tables.map((t) => at(p.schema, t)))} in share row exclusive mode`;
}

/** Replaces the live rows with the shadow's (in the caller's transaction). */
export async function copyShadowIn(tx: Sql, p: Projection): Promise<void> {
  for (const t of p.tables) await tx`delete from ${tx(at(p.schema, t))}`;
  await copyRows(tx, p, shadowOf(p), p.schema);
}

/** Drops a schema made by {@link copySchema}. */
export async function dropSchema(sql: Sql, schema: string): Promise<void> {
  await sql`drop schema if exists ${sql(schema)} cascade`;
}
