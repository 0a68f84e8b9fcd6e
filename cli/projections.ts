import { jetstream, type JetStreamManager, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { connectDb, isPgError, type Sql } from "../shared/db/db.ts";
import { connectNats } from "../shared/nats/nats.ts";
import { type Envelope, parseEvent } from "../shared/events/envelope.ts";
import { consumerDefinitions, type Service } from "../consumers/runtime/mod.ts";
import { analyticsReplay } from "../consumers/analytics/mod.ts";
import { auditReplay } from "../consumers/audit/mod.ts";
import { historyReplay } from "../consumers/history/mod.ts";

/**
 * A projection that can be rebuilt from the streams: its service (events, streams, inbox name),
 * the handler writing unqualified tables under `searchPath`, and the literal DDL of its shadow
 * schema, the lock of its live tables and the copy from shadow to live.
 */
export interface Replayable {
  name: string;
  // deno-lint-ignore no-explicit-any
  service: Service<any>;
  searchPath: string;
  apply(tx: Sql, event: Envelope): Promise<void>;
  createShadow(sql: Sql): Promise<void>;
  lockLive(tx: Sql): Promise<void>;
  copyIn(tx: Sql): Promise<void>;
  dropShadow(sql: Sql): Promise<void>;
  snapshot(sql: Sql): Promise<unknown>;
}

/** The projections `./berth projections rebuild <name>` knows. */
export const projections: Record<string, Replayable> = {
  analytics: analyticsReplay,
  audit: auditReplay,
  history: historyReplay,
};

interface Applied {
  id: string;
  type: string;
  propertyId: string;
  stream: string;
  seq: number;
}

/** What a rebuild did. */
export interface RebuildReport {
  replayed: number;
  skipped: number;
  caughtUp: number;
}

const BATCH = 200;

async function applyBatch(sql: Sql, p: Replayable, batch: Envelope[], skipped: Set<string>) {
  await sql.begin(async (t) => {
    const tx = t as unknown as Sql;
    await tx`select set_config('search_path', ${p.searchPath}, true)`;
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
        await onEvent(parseEvent(m.data), m.seq);
      } catch { /* malformed: not part of any projection */ }
      if (m.seq >= lastSeq || m.info.pending === 0) break;
    }
  } finally {
    iter.stop();
  }
}

async function swap(
  sql: Sql,
  jsm: JetStreamManager,
  p: Replayable,
  applied: Map<string, Applied>,
  skipped: Set<string>,
): Promise<number> {
  return await sql.begin(async (t) => {
    const tx = t as unknown as Sql;
    await p.lockLive(tx);
    await tx`select set_config('search_path', ${p.searchPath}, true)`;
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
      await p.apply(tx, parseEvent(msg.data));
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
    await p.copyIn(tx);
    return caughtUp;
  });
}

/**
 * Rebuilds a projection from the streams: its events from the first message, in stream order,
 * into a fresh shadow schema; then, in one transaction holding the live tables' locks, applies
 * what the live service handled meanwhile, marks in the inbox what only the replay handled, and
 * copies the shadow over the live tables. The live service may keep running throughout.
 */
export async function rebuildProjection(
  sql: Sql,
  nc: NatsConnection,
  p: Replayable,
): Promise<RebuildReport> {
  const jsm = await jetstreamManager(nc);
  const applied = new Map<string, Applied>();
  const skipped = new Set<string>();
  await p.createShadow(sql);
  try {
    for (const def of consumerDefinitions(p.service)) {
      const lastSeq = (await jsm.streams.info(def.stream)).state.last_seq;
      if (lastSeq === 0) continue;
      let batch: Envelope[] = [];
      const pending: Applied[] = [];
      const flush = async () => {
        await applyBatch(sql, p, batch, skipped);
        for (const a of pending) if (!skipped.has(a.id)) applied.set(a.id, a);
        batch = [];
        pending.length = 0;
      };
      await replayStream(nc, def.stream, def.filterSubjects, lastSeq, async (e, seq) => {
        if (applied.has(e.id)) return;
        batch.push(e);
        pending.push({ id: e.id, type: e.type, propertyId: e.propertyId, stream: def.stream, seq });
        if (batch.length >= BATCH) await flush();
      });
      if (batch.length) await flush();
    }
    for (let attempt = 1;; attempt++) {
      try {
        const caughtUp = await swap(sql, jsm, p, applied, skipped);
        return { replayed: applied.size, skipped: skipped.size, caughtUp };
      } catch (err) {
        // A live handler waiting on our lock while we wait on its inbox row: try again.
        if (!isPgError(err, "40P01") || attempt >= 5) throw err;
      }
    }
  } finally {
    await p.dropShadow(sql);
  }
}

/** The usage line of `./berth projections`. */
export const projectionsUsage = `usage: ./berth projections rebuild ${
  Object.keys(projections).join("|")
}`;

/** `./berth projections rebuild <name>`; returns the exit code. */
export async function projectionsCommand(
  args: string[],
  urls: { DATABASE_URL: string; NATS_URL: string },
  out: (line: string) => void = console.log,
): Promise<number> {
  const [sub, name] = args;
  const p = projections[name];
  if (sub !== "rebuild" || !p) {
    out(projectionsUsage);
    return 2;
  }
  const sql = connectDb(urls.DATABASE_URL, { max: 2, appName: "berth-projections" });
  const nc = await connectNats(urls.NATS_URL, "berth-projections");
  try {
    const r = await rebuildProjection(sql, nc, p);
    out(
      `${name}: rebuilt from ${r.replayed} events (${r.caughtUp} caught up at the swap, ` +
        `${r.skipped} skipped as failing)`,
    );
    return 0;
  } finally {
    await nc.drain().catch(() => {});
    await sql.end({ timeout: 5 });
  }
}
