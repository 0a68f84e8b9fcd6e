import type { NatsConnection } from "@nats-io/transport-node";
import { jetstream } from "@nats-io/jetstream";
import type { Session, Sql } from "../db/mod.ts";
import { openSession } from "../db/mod.ts";
import { log } from "../log/mod.ts";
import { sleep } from "../time/mod.ts";
import { traceHeaders } from "../tracing/mod.ts";
import type { RelayMetrics } from "../metrics/mod.ts";
import { Registry, relayMetrics } from "../metrics/mod.ts";

/** Session advisory lock held by the one active relay; a second relay waits as a standby. */
const RELAY_LOCK = 7_201_002;
/**
 * How long an idle relay waits for a NOTIFY before it looks anyway: a safety net only (a
 * NOTIFY lost while its listening connection was re-established). An idle relay writes
 * nothing until events come.
 */
const POLL_MS = 30_000;
/** The longest the relay waits, going idle, for the writers that may have read "busy". */
const SETTLE_MS = 5000;
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
  /** Where publishes, failures and page times are counted (default: a registry of its own). */
  metrics?: RelayMetrics;
}

interface OutboxRow {
  seq: string;
  id: string;
  subject: string;
  payload: string;
}

/**
 * The outbox relay: publishes unpublished outbox rows to JetStream in `seq` order with
 * `Nats-Msg-Id` = event id, then marks them published. It keeps up to WINDOW_PAGES pages in
 * flight: it reads and sends the next page while JetStream still stores (fsyncs) the earlier
 * ones, and marks each page when its acknowledgements are in. While events come it stays awake
 * (it looks every 5 ms until 2 s have passed without one); then it marks itself idle and waits
 * for a NOTIFY, which writers send only while it is idle (migration 0002), looking anyway every
 * POLL_MS (30 s). So a booking pays for a NOTIFY only when the platform was quiet. Only the holder of
 * RELAY_LOCK publishes, so two relays never interleave; a crash after publish and before the
 * mark re-publishes rows that JetStream drops as duplicates within the stream's duplicate
 * window. When tracing, a message also carries its event's trace context as W3C headers.
 */
export async function runRelay(opts: RelayOptions): Promise<void> {
  const { sql, signal } = opts;
  const metrics = opts.metrics ?? relayMetrics(new Registry());
  while (!signal.aborted) {
    // The lock lives as long as a session of the relay's own: when Postgres restarts, the
    // session ends and the relay starts over (and may find another relay holding the lock).
    const session = openSession(sql, "berth-relay");
    try {
      if (!await lockRelay(session, signal)) continue;
      log.info("relay active");
      metrics.active.set(1);
      await publishLoop({ ...opts, metrics }, session);
    } catch (err) {
      if (!signal.aborted) log.warn("relay interrupted; retrying", { err });
      await sleep(1000, signal);
    } finally {
      metrics.active.set(0);
      await session.end(); // and with it the lock
    }
  }
}

/**
 * Takes RELAY_LOCK on the relay's session: at once, or as a standby that asks again every
 * STANDBY_POLL_MS until the active relay's session ends. False when `signal` aborted first.
 *
 * A standby does not wait inside `pg_advisory_lock`: a statement that waits keeps the snapshot
 * it started with, and that snapshot's xmin holds back vacuum for the whole database as long as
 * the wait lasts (the active relay's whole life). Dead outbox, inventory and inbox rows then
 * pile up, and the relay's read of the unpublished outbox rows visits every dead one of them.
 */
async function lockRelay(session: Session, signal: AbortSignal): Promise<boolean> {
  while (!signal.aborted) {
    session.check();
    const [{ locked }] = await session.sql<{ locked: boolean }[]>`
      select pg_try_advisory_lock(${RELAY_LOCK}) as locked`;
    if (locked) return true;
    await sleep(STANDBY_POLL_MS, signal);
  }
  return false;
}

/**
 * How often a standby relay asks for the relay lock: as long as the workers processes take to
 * give a dead one's partitions to the others (consumers/runtime/members.ts), and one commit
 * every 3 s at rest.
 */
const STANDBY_POLL_MS = 3000;

/** Pages sent and not yet acknowledged at most: the sliding window of the relay. */
const WINDOW_PAGES = 4;

/** A page of rows sent to JetStream, with each row's acknowledgement. */
interface Page {
  rows: OutboxRow[];
  acks: Promise<PromiseSettledResult<unknown>[]>;
  /** Observes the time from sending the page to marking it. */
  timer: () => void;
}

async function publishLoop(
  opts: RelayOptions & { metrics: RelayMetrics },
  session: Session,
): Promise<void> {
  const { nc, signal } = opts;
  const conn = session.sql;
  const batchSize = opts.batchSize ?? 500;
  const js = jetstream(nc);
  let wake = Promise.withResolvers<void>();
  // On the session's client, so the LISTEN ends with the session (postgres.js keeps a channel
  // whose LISTEN failed while Postgres restarted, and a pool's listen would fail from then on).
  await conn.listen("berth_outbox", () => wake.resolve());
  let lastCleanup = 0;
  let lastEvent = Date.now();
  /** Pages in flight, oldest first, and the seqs they hold (not to be read again meanwhile). */
  const window: Page[] = [];
  const sending = new Set<string>();
  /** After a failed publish, no new page before this time. */
  let holdUntil = 0;
  // Awake to begin with: writers need not notify while it looks.
  await conn`update outbox_relay_state set idle = false where id = 1`;
  let idle = false;
  try {
    while (!signal.aborted) {
      session.check();
      if (window.length < WINDOW_PAGES && Date.now() >= holdUntil) {
        const rows = await nextPage(conn, sending, batchSize);
        // Read on a new session (the old one ended meanwhile): not this relay's to send.
        session.check();
        if (rows.length) {
          if (idle) {
            await conn`update outbox_relay_state set idle = false where id = 1`;
            idle = false;
          }
          lastEvent = Date.now();
          for (const r of rows) sending.add(r.seq);
          // Pipelined on one connection, so the server stores them in this order.
          const acks = Promise.allSettled(
            rows.map((r) =>
              js.publish(r.subject, r.payload, {
                msgID: r.id,
                timeout: 5000,
                headers: traceHeaders(r.payload),
              })
            ),
          );
          window.push({ rows, acks, timer: opts.metrics.pageSeconds.startTimer() });
          continue;
        }
      }
      const page = window.shift();
      if (page) {
        if (await settlePage(conn, page, opts)) holdUntil = Date.now() + 500;
        for (const r of page.rows) sending.delete(r.seq);
        continue;
      }
      if (Date.now() < holdUntil) {
        await sleep(holdUntil - Date.now(), signal);
        continue;
      }
      if (Date.now() - lastCleanup > 60_000) {
        lastCleanup = Date.now();
        const keep = (opts.keepPublishedMs ?? 3_600_000) / 1000;
        await conn`delete from outbox
          where published_at < now() - make_interval(secs => ${keep})`;
      }
      if (Date.now() - lastEvent < (opts.warmMs ?? WARM_MS)) {
        // Events came lately: look again soon, no NOTIFY needed.
        await Promise.race([wake.promise, session.closed, sleep(WARM_POLL_MS, signal)]);
        wake = Promise.withResolvers<void>();
        continue;
      }
      // Quiet: writers notify only while the relay says it is idle (a NOTIFY serializes
      // commits). Say so once, let every writer that may have read "busy" end, look once more
      // for rows committed meanwhile, then wait.
      if (!idle) {
        await conn`update outbox_relay_state set idle = true where id = 1`;
        idle = true;
        await writersEnded(conn, signal);
        continue;
      }
      await Promise.race([wake.promise, session.closed, sleep(opts.pollMs ?? POLL_MS, signal)]);
      wake = Promise.withResolvers<void>();
    }
  } finally {
    // Let what was sent be acknowledged and marked, so a restart re-sends as little as possible
    // (a mark made on a new session is as good: JetStream has stored those events).
    for (const page of window) await settlePage(conn, page, opts).catch(() => {});
  }
}

/**
 * Waits until every transaction that was writing when the relay said it is idle has ended
 * (SETTLE_MS at most). A writer's outbox trigger reads the idle flag after its insert, so a
 * writer that read "busy" already had its transaction id when the flag changed: it is among
 * the transactions in progress of a snapshot taken after the change. Once they have ended,
 * the relay's next look sees their rows, and every later writer reads "idle" and notifies.
 */
async function writersEnded(conn: Sql, signal: AbortSignal): Promise<void> {
  const [{ snapshot }] = await conn<{ snapshot: string }[]>`
    select pg_current_snapshot()::text as snapshot`;
  const deadline = Date.now() + SETTLE_MS;
  while (!signal.aborted && Date.now() < deadline) {
    const [{ writing }] = await conn<{ writing: number }[]>`
      select count(*)::int as writing from pg_snapshot_xip(${snapshot}::pg_snapshot) x
      where pg_xact_status(x) = 'in progress'`;
    if (writing === 0) return;
    await sleep(5, signal);
  }
}

/**
 * The oldest unpublished rows that are not in flight. Rows commit out of `seq` order (a
 * transaction takes its seqs before it commits), so a row below the newest one sent may appear
 * late: the relay reads from the oldest unpublished row every time, seqs first (cheap), and
 * leaves out those in flight.
 */
async function nextPage(conn: Sql, sending: Set<string>, limit: number): Promise<OutboxRow[]> {
  const seqs = (await conn<{ seq: string }[]>`
    select seq from outbox where published_at is null
    order by seq limit ${limit + sending.size}`)
    .map((r) => r.seq)
    .filter((s) => !sending.has(s))
    .slice(0, limit);
  if (!seqs.length) return [];
  return await conn<OutboxRow[]>`
    select seq, id, subject, payload from outbox
    where seq = any(${seqs}::bigint[]) and published_at is null order by seq`;
}

/**
 * Waits for a page's acknowledgements and marks what JetStream stored. Returns true when a
 * publish failed: that row stays unpublished and is sent again (JetStream drops a copy of an
 * event it already has, by `Nats-Msg-Id`, within the stream's duplicate window).
 */
async function settlePage(
  conn: Sql,
  page: Page,
  opts: RelayOptions & { metrics: RelayMetrics },
): Promise<boolean> {
  const results = await page.acks;
  const done = page.rows.filter((_, i) => results[i].status === "fulfilled");
  if (done.length) {
    await conn`update outbox set published_at = now()
      where seq = any(${done.map((r) => r.seq)}::bigint[])`;
    opts.metrics.published.inc(done.length);
    opts.onPublished?.(done.length);
  }
  page.timer();
  const failedAt = results.findIndex((r) => r.status === "rejected");
  if (failedAt === -1) return false;
  opts.metrics.failures.inc(page.rows.length - done.length);
  log.warn("publish failed; will send the failed events again", {
    err: (results[failedAt] as PromiseRejectedResult).reason,
    eventId: page.rows[failedAt].id,
    failed: page.rows.length - done.length,
  });
  return true;
}
