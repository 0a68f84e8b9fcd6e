import type { JetStreamManager } from "@nats-io/jetstream";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Sql } from "../shared/db/mod.ts";
import { connectDb, isPgError } from "../shared/db/mod.ts";
import { connectNats } from "../shared/nats/mod.ts";
import { natsAccess } from "./platform.ts";
import type { Envelope } from "../shared/events/mod.ts";
import { openEvent } from "../shared/events/mod.ts";
import { consumerDefinitions } from "../consumers/runtime/mod.ts";
import type { Projection } from "../consumers/projections/mod.ts";
import {
  copySchema,
  copyShadowIn,
  dropSchema,
  eventsAgedOut,
  lockLive,
  restoreSnapshot,
  shadowOf,
  shadowPath,
  snapshotTakenAt,
  takeSnapshot,
} from "../consumers/projections/mod.ts";
import { projections } from "../consumers/roster.ts";

/**
 * Raised when a projection cannot be rebuilt as it is: events it contains have aged out of the
 * streams and no snapshot holds them. The live projection is left as it was.
 */
export class RebuildRefused extends Error {
  override name = "RebuildRefused";
}

interface Applied {
  id: string;
  type: string;
  propertyId: string;
  stream: string;
  seq: number;
}

/** What a rebuild did; `snapshotAt` is when the snapshot it started from was taken. */
export interface RebuildReport {
  replayed: number;
  skipped: number;
  caughtUp: number;
  snapshotAt: Date | null;
}

const BATCH = 200;

async function applyBatch(sql: Sql, p: Projection, batch: Envelope[], skipped: Set<string>) {
  await sql.begin(async (t) => {
    const tx = t as unknown as Sql;
    await tx`select set_config('search_path', ${shadowPath(p)}, true)`;
    for (const e of batch) {
      try {
        await t.savepoint((sp) => p.apply(sp as unknown as Sql, e));
      } catch {
        skipped.add(e.id); // the live service dead-letters it as well
      }
    }
  });
}

/** Reads one stream from its first message to `lastSeq` with an ordered consumer. */
async function replayStream(
  nc: NatsConnection,
  stream: string,
  filterSubjects: string[],
  lastSeq: number,
  onEvent: (e: Envelope, seq: number) => Promise<void>,
) {
  const js = jetstream(nc);
  const consumer = await js.consumers.get(stream, { filter_subjects: filterSubjects });
  const iter = await consumer.consume({ max_messages: 500 });
  try {
    for await (const m of iter) {
      if (m.seq > lastSeq) break;
      try {
        await onEvent(await openEvent(m.data), m.seq);
      } catch { /* malformed, unsigned or forged: not part of any projection */ }
      if (m.seq >= lastSeq || m.info.pending === 0) break;
    }
  } finally {
    iter.stop();
  }
}

async function swap(
  sql: Sql,
  jsm: JetStreamManager,
  p: Projection,
  applied: Map<string, Applied>,
  skipped: Set<string>,
): Promise<number> {
  return await sql.begin(async (t) => {
    const tx = t as unknown as Sql;
    await lockLive(tx, p);
    await tx`select set_config('search_path', ${shadowPath(p)}, true)`;
    const live = await tx<{ event_id: string; stream: string; stream_seq: string }[]>`
      select event_id, stream, stream_seq::text from consumer_inbox
      where service = ${p.service.name} and outcome = 'applied'
      order by stream, stream_seq`;
    const liveIds = new Set(live.map((r) => r.event_id));
    let caughtUp = 0;
    // Applied live since the replay read the streams: apply them to the shadow too.
    for (const r of live) {
      if (applied.has(r.event_id) || skipped.has(r.event_id)) continue;
      const msg = await jsm.streams.getMessage(r.stream, { seq: Number(r.stream_seq) });
      if (!msg) continue;
      await p.apply(tx, await openEvent(msg.data));
      caughtUp++;
    }
    // Replayed but not yet applied live: the live service must now skip them.
    for (const a of applied.values()) {
      if (liveIds.has(a.id)) continue;
      await tx`
        insert into consumer_inbox
          (service, event_id, event_type, property_id, stream, stream_seq, outcome)
        values (${p.service.name}, ${a.id}, ${a.type}, ${a.propertyId}, ${a.stream}, ${a.seq},
          'applied')
        on conflict (service, event_id) do update set outcome = 'applied', error = null`;
    }
    await copyShadowIn(tx, p);
    return caughtUp;
  });
}

/**
 * Where a rebuild starts: the first message of the streams while they still hold every event
 * the service applied (null), else the projection's snapshot, when every event that aged out is
 * in it (its time); otherwise RebuildRefused.
 */
async function startOf(sql: Sql, jsm: JetStreamManager, p: Projection): Promise<Date | null> {
  const firstSeqs = [];
  for (const def of consumerDefinitions(p.service)) {
    const { state } = await jsm.streams.info(def.stream);
    firstSeqs.push({ stream: def.stream, firstSeq: state.first_seq });
  }
  if (await eventsAgedOut(sql, p, firstSeqs, false) === 0) return null;
  const takenAt = await snapshotTakenAt(sql, p);
  if (!takenAt) {
    throw new RebuildRefused(
      `${p.name}: the streams no longer hold events it contains, and it has no snapshot ` +
        "(./berth projections snapshot takes one; the workers take one a day)",
    );
  }
  const lacking = await eventsAgedOut(sql, p, firstSeqs, true);
  if (lacking > 0) {
    throw new RebuildRefused(
      `${p.name}: the streams no longer hold ${lacking} event(s) applied after its snapshot of ` +
        takenAt.toISOString(),
    );
  }
  return takenAt;
}

/**
 * Rebuilds a projection from the streams: its events from the first message, in stream order,
 * into a fresh shadow schema; once events have aged out of the streams, from its latest
 * snapshot and the events the snapshot lacks. Then, in one transaction holding the live
 * tables' locks, applies what the live service handled meanwhile, marks in the inbox what only
 * the replay handled, and copies the shadow over the live tables. The live service may keep
 * running throughout.
 */
export async function rebuildProjection(
  sql: Sql,
  nc: NatsConnection,
  p: Projection,
): Promise<RebuildReport> {
  const jsm = await jetstreamManager(nc);
  const applied = new Map<string, Applied>();
  const skipped = new Set<string>();
  const snapshotAt = await startOf(sql, jsm, p);
  await copySchema(sql, p, shadowOf(p), { includingAll: true });
  try {
    if (snapshotAt) {
      for (const e of await restoreSnapshot(sql, p)) applied.set(e.id, e);
    }
    const fromSnapshot = applied.size;
    for (const def of consumerDefinitions(p.service)) {
      const { state } = await jsm.streams.info(def.stream);
      if (state.messages === 0) continue;
      let batch: Envelope[] = [];
      const pending: Applied[] = [];
      const flush = async () => {
        await applyBatch(sql, p, batch, skipped);
        for (const a of pending) if (!skipped.has(a.id)) applied.set(a.id, a);
        batch = [];
        pending.length = 0;
      };
      await replayStream(nc, def.stream, def.filterSubjects, state.last_seq, async (e, seq) => {
        if (applied.has(e.id)) return;
        batch.push(e);
        pending.push({ id: e.id, type: e.type, propertyId: e.propertyId, stream: def.stream, seq });
        if (batch.length >= BATCH) await flush();
      });
      if (batch.length) await flush();
    }
    const replayed = applied.size - fromSnapshot;
    for (let attempt = 1;; attempt++) {
      try {
        const caughtUp = await swap(sql, jsm, p, applied, skipped);
        return { replayed, skipped: skipped.size, caughtUp, snapshotAt };
      } catch (err) {
        // A live handler waiting on our lock while we wait on its inbox row: try again.
        if (!isPgError(err, "40P01") || attempt >= 5) throw err;
      }
    }
  } finally {
    await dropSchema(sql, shadowOf(p));
  }
}

/** The usage line of `./berth projections`. */
export const projectionsUsage = `usage: ./berth projections rebuild|snapshot ${
  Object.keys(projections).join("|")
}`;

/**
 * `./berth projections rebuild <name>`, and `./berth projections snapshot <name>`, which takes
 * a snapshot now (the workers take one a day); returns the exit code.
 */
export async function projectionsCommand(
  args: string[],
  urls: { DATABASE_URL: string; NATS_URL: string },
  out: (line: string) => void = console.log,
): Promise<number> {
  const [sub, name] = args;
  const p = projections[name];
  if ((sub !== "rebuild" && sub !== "snapshot") || !p) {
    out(projectionsUsage);
    return 2;
  }
  const sql = connectDb(urls.DATABASE_URL, { max: 2, appName: "berth-projections" });
  try {
    if (sub === "snapshot") {
      const at = new Date();
      const taken = await takeSnapshot(sql, p, at);
      out(taken ? `${name}: snapshot taken at ${at.toISOString()}` : `${name}: busy, try again`);
      return taken ? 0 : 1;
    }
    const nc = await connectNats(urls.NATS_URL, "berth-projections", {
      role: "cli",
      ...natsAccess(),
    });
    try {
      const r = await rebuildProjection(sql, nc, p);
      const from = r.snapshotAt ? `the snapshot of ${r.snapshotAt.toISOString()} and ` : "";
      out(
        `${name}: rebuilt from ${from}${r.replayed} events (${r.caughtUp} caught up at the ` +
          `swap, ${r.skipped} skipped as failing)`,
      );
      return 0;
    } catch (err) {
      if (!(err instanceof RebuildRefused)) throw err;
      out(`cannot rebuild ${err.message}`);
      return 1;
    } finally {
      await nc.drain().catch(() => {});
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}
