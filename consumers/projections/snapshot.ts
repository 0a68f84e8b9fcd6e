/**
 * Snapshots of projections: where a rebuild starts once the streams no longer hold every event
 * (they keep a week, shared/events/streams.ts). A snapshot is a copy of a projection's live
 * tables and of its service's inbox rows (the events those tables contain), read in one
 * repeatable-read transaction, so both are of one moment: the service commits each event's
 * effect with its inbox row. It lives in the schema `<schema>_snapshot`, one per projection, the
 * latest replacing the one before. The workers take one a day ({@link runSnapshots});
 * `./berth projections snapshot <name>` takes one at once.
 */
import type { Sql } from "../../shared/db/mod.ts";
import { log } from "../../shared/log/mod.ts";
import { every } from "../../shared/time/mod.ts";
import type { Projection } from "./projection.ts";
import { copyRows, copySchema, shadowOf, snapshotOf } from "./projection.ts";

/** How often the workers take a snapshot of each projection: daily, well within a week. */
export const SNAPSHOT_EVERY_MS = 24 * 3_600_000;

/** An event a snapshot contains, as its service's inbox recorded it. */
export interface SnapshotEvent {
  id: string;
  type: string;
  propertyId: string;
  stream: string;
  seq: number;
}

const table = (p: Projection, name: string) => `${snapshotOf(p)}.${name}`;

/** When the projection's snapshot was taken; null when it has none. */
export async function snapshotTakenAt(sql: Sql, p: Projection): Promise<Date | null> {
  const [{ present }] = await sql<{ present: boolean }[]>`
    select to_regclass(${table(p, "snapshot_meta")}) is not null as present`;
  if (!present) return null;
  const [row] = await sql<{ taken_at: Date }[]>`
    select taken_at from ${sql(table(p, "snapshot_meta"))}`;
  return row ? new Date(row.taken_at) : null;
}

/**
 * Takes a snapshot of `p` as of now, replacing the one before; with `ifOlderThanMs`, only when
 * the one before is older than that. False when it took none (recent enough, or another
 * process is taking one).
 */
export async function takeSnapshot(
  sql: Sql,
  p: Projection,
  now: Date,
  opts: { ifOlderThanMs?: number } = {},
): Promise<boolean> {
  return await sql.begin("isolation level repeatable read", async (t) => {
    const tx = t as unknown as Sql;
    const [{ locked }] = await tx<{ locked: boolean }[]>`
      select pg_try_advisory_xact_lock(hashtext(${`berth snapshot ${p.name}`})) as locked`;
    if (!locked) return false;
    const taken = await snapshotTakenAt(tx, p);
    if (taken && opts.ifOlderThanMs && now.getTime() - taken.getTime() < opts.ifOlderThanMs) {
      return false;
    }
    await copySchema(tx, p, snapshotOf(p), { includingAll: false });
    await copyRows(tx, p, p.schema, snapshotOf(p));
    await tx`
      create table ${tx(table(p, "snapshot_events"))} (event_id uuid primary key,
        event_type text not null, property_id text not null, stream text not null,
        stream_seq bigint not null)`;
    await tx`
      insert into ${tx(table(p, "snapshot_events"))}
      select event_id, event_type, property_id, stream, stream_seq from consumer_inbox
      where service = ${p.service.name} and outcome = 'applied'`;
    await tx`create table ${tx(table(p, "snapshot_meta"))} (taken_at timestamptz not null)`;
    await tx`insert into ${tx(table(p, "snapshot_meta"))} values (${now})`;
    return true;
  });
}

/** Copies the snapshot's rows into the rebuild's shadow and returns the events they contain. */
export async function restoreSnapshot(sql: Sql, p: Projection): Promise<SnapshotEvent[]> {
  await copyRows(sql, p, snapshotOf(p), shadowOf(p));
  const rows = await sql<
    { event_id: string; event_type: string; property_id: string; stream: string; seq: string }[]
  >`
    select event_id, event_type, property_id, stream, stream_seq::text as seq
    from ${sql(table(p, "snapshot_events"))}`;
  return rows.map((r) => ({
    id: r.event_id,
    type: r.event_type,
    propertyId: r.property_id,
    stream: r.stream,
    seq: Number(r.seq),
  }));
}

/**
 * How many events the service applied that the streams no longer hold (inbox sequence below
 * each stream's first), counting only those the snapshot lacks when `outsideSnapshot`.
 */
export async function eventsAgedOut(
  sql: Sql,
  p: Projection,
  firstSeqs: { stream: string; firstSeq: number }[],
  outsideSnapshot: boolean,
): Promise<number> {
  const streams = firstSeqs.map((f) => f.stream);
  const firsts = firstSeqs.map((f) => f.firstSeq);
  const lacking = outsideSnapshot
    ? sql`and not exists (select 1 from ${sql(table(p, "snapshot_events"))} e
        where e.event_id = i.event_id)`
    : sql``;
  const [{ n }] = await sql<{ n: number }[]>`
    select count(*)::int as n from consumer_inbox i
    join unnest(${streams}::text[], ${firsts}::bigint[]) as s(stream, first_seq)
      on i.stream = s.stream and i.stream_seq < s.first_seq
    where i.service = ${p.service.name} and i.outcome = 'applied' ${lacking}`;
  return n;
}

/**
 * Takes a snapshot of each projection whose latest is older than `everyMs` (a day), looking
 * every `checkMs` (ten minutes), until `signal` aborts. Safe with several workers processes:
 * one takes it, the others find it fresh or being taken.
 */
export async function runSnapshots(opts: {
  sql: Sql;
  projections: Projection[];
  signal: AbortSignal;
  everyMs?: number;
  checkMs?: number;
  now?: () => Date;
}): Promise<void> {
  const now = opts.now ?? (() => new Date());
  const everyMs = opts.everyMs ?? SNAPSHOT_EVERY_MS;
  await every(opts.checkMs ?? 600_000, opts.signal, async () => {
    for (const p of opts.projections) {
      try {
        const at = now();
        if (await takeSnapshot(opts.sql, p, at, { ifOlderThanMs: everyMs })) {
          log.info("projection snapshot taken", { projection: p.name, at: at.toISOString() });
        }
      } catch (err) {
        log.warn("projection snapshot failed; trying again later", { projection: p.name, err });
      }
    }
  });
}
