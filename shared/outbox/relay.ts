import type { NatsConnection } from "@nats-io/transport-node";
import { jetstream } from "@nats-io/jetstream";
import type { Sql } from "../db/db.ts";
import { log } from "../log/log.ts";
import { sleep } from "../time/mod.ts";

/** Session advisory lock held by the one active relay; a second relay waits as a standby. */
const RELAY_LOCK = 7_201_002;
/**
 * How long an idle relay waits for a NOTIFY before it looks anyway. It bounds the one gap of
 * the wake-up: a writer that read "busy" just before the relay went idle, and committed after
 * the relay's last look. An idle relay only reads; it writes nothing until events come.
 */
const POLL_MS = 1000;
/** For this long after its last event the relay stays awake, looking every WARM_POLL_MS. */
const WARM_MS = 2000;
const WARM_POLL_MS = 5;

export interface RelayOptions {
  sql: Sql;
  nc: NatsConnection;
  signal: AbortSignal;
  batchSize?: number;
  /** Published rows older than this are deleted. */
  keepPublishedMs?: number;
  onPublished?: (count: number) => void;
  /** How long an idle relay waits for a NOTIFY before it looks anyway (default POLL_MS). */
  pollMs?: number;
  /** How long the relay stays awake after its last event (default WARM_MS). */
  warmMs?: number;
}

interface OutboxRow {
  seq: string;
  id: string;
  subject: string;
  payload: string;
}

/**
 * The outbox relay: publishes unpublished outbox rows to JetStream in `seq` order with
 * `Nats-Msg-Id` = event id, then marks them published. While events come it stays awake (it
 * looks every 5 ms until 2 s have passed without one); then it marks itself idle and waits for
 * a NOTIFY, which writers send only while it is idle (migration 0002), looking anyway every
 * POLL_MS. So a booking pays for a NOTIFY only when the platform was quiet. Only the holder of RELAY_LOCK publishes, so two relays never
 * interleave; a crash after publish and before the mark re-publishes rows that JetStream
 * drops as duplicates within the stream's duplicate window.
 */
export async function runRelay(opts: RelayOptions): Promise<void> {
  const { sql, signal } = opts;
  while (!signal.aborted) {
    let conn: Awaited<ReturnType<Sql["reserve"]>> | null = null;
    try {
      conn = await sql.reserve();
      const [{ ok }] = await conn<
        { ok: boolean }[]
      >`select pg_try_advisory_lock(${RELAY_LOCK}) as ok`;
      if (!ok) {
        conn.release();
        conn = null;
        await sleep(1000, signal);
        continue;
      }
      log.info("relay active");
      await publishLoop(opts, conn);
    } catch (err) {
      if (!signal.aborted) log.warn("relay interrupted; retrying", { err });
      await sleep(1000, signal);
    } finally {
      if (conn) {
        await conn`select pg_advisory_unlock(${RELAY_LOCK})`.catch(() => {});
        conn.release();
      }
    }
  }
}

async function publishLoop(opts: RelayOptions, conn: Sql): Promise<void> {
  const { sql, nc, signal } = opts;
  const batchSize = opts.batchSize ?? 500;
  const js = jetstream(nc);
  let wake = Promise.withResolvers<void>();
  const listener = await sql.listen("berth_outbox", () => wake.resolve());
  let lastCleanup = 0;
  let lastEvent = Date.now();
  // Awake to begin with: writers need not notify while it looks.
  await conn`update outbox_relay_state set idle = false where id = 1`;
  let idle = false;
  try {
    while (!signal.aborted) {
      const rows = await conn<OutboxRow[]>`
        select seq, id, subject, payload from outbox
        where published_at is null order by seq limit ${batchSize}`;
      if (rows.length === 0) {
        if (Date.now() - lastCleanup > 60_000) {
          lastCleanup = Date.now();
          const keep = (opts.keepPublishedMs ?? 3_600_000) / 1000;
          await conn`delete from outbox
            where published_at < now() - make_interval(secs => ${keep})`;
        }
        if (Date.now() - lastEvent < (opts.warmMs ?? WARM_MS)) {
          // Events came lately: look again soon, no NOTIFY needed.
          await Promise.race([wake.promise, sleep(WARM_POLL_MS, signal)]);
          wake = Promise.withResolvers<void>();
          continue;
        }
        // Quiet: writers notify only while the relay says it is idle (a NOTIFY serializes
        // commits). Say so once, look once more for rows committed meanwhile, then wait.
        if (!idle) {
          await conn`update outbox_relay_state set idle = true where id = 1`;
          idle = true;
          continue;
        }
        await Promise.race([wake.promise, sleep(opts.pollMs ?? POLL_MS, signal)]);
        wake = Promise.withResolvers<void>();
        continue;
      }
      if (idle) {
        await conn`update outbox_relay_state set idle = false where id = 1`;
        idle = false;
      }
      lastEvent = Date.now();
      // Pipelined on one connection, so the server stores them in this order.
      const results = await Promise.allSettled(
        rows.map((r) => js.publish(r.subject, r.payload, { msgID: r.id, timeout: 5000 })),
      );
      const failedAt = results.findIndex((r) => r.status === "rejected");
      const done = failedAt === -1 ? rows : rows.slice(0, failedAt);
      if (done.length) {
        await conn`update outbox set published_at = now()
          where seq = any(${done.map((r) => r.seq)}::bigint[])`;
        opts.onPublished?.(done.length);
      }
      if (failedAt !== -1) {
        const reason = (results[failedAt] as PromiseRejectedResult).reason;
        log.warn("publish failed; will retry from the failed event", {
          err: reason,
          eventId: rows[failedAt].id,
          backlog: rows.length - done.length,
        });
        await sleep(500, signal);
      }
    }
  } finally {
    await listener.unlisten().catch(() => {});
  }
}
