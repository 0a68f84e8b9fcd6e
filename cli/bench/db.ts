/**
 * The bench's own window on a run: one connection to the run database (every query on it is
 * counted, so the bench can take its own transactions out of the commit count), one to the
 * server's `postgres` database for statistics, and one to NATS for consumer backlogs.
 */
import type { JetStreamManager } from "@nats-io/jetstream";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Sql } from "../../shared/db/mod.ts";
import { connectDb } from "../../shared/db/mod.ts";
import { connectNats } from "../../shared/nats/mod.ts";
import { DLQ_STREAM } from "../../shared/events/mod.ts";
import { sameServer } from "./pgbench.ts";

/** Server statistics of the run database. */
export interface DbStats {
  xactCommit: number;
  deadlocks: number;
}

/** Connections the bench reads the run through; `close()` when done. */
export class BenchDb {
  /** Transactions this object ran on the run database (each query is one). */
  ownTransactions = 0;

  private constructor(
    readonly run: Sql,
    readonly admin: Sql,
    readonly nc: NatsConnection,
    readonly jsm: JetStreamManager,
    readonly database: string,
  ) {}

  /** Connects to the run database, its server's `postgres` database and NATS. */
  static async open(databaseUrl: string, natsUrl: string): Promise<BenchDb> {
    const run = connectDb(databaseUrl, { max: 1, appName: "berth-bench" });
    const admin = connectDb(sameServer(databaseUrl, "postgres"), {
      max: 1,
      appName: "berth-bench",
    });
    const nc = await connectNats(natsUrl, "berth-bench");
    const database = new URL(databaseUrl).pathname.slice(1);
    return new BenchDb(run, admin, nc, await jetstreamManager(nc), database);
  }

  /** A query on the run database, counted. */
  #q<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    this.ownTransactions++;
    return fn(this.run);
  }

  /** Events not yet through: unpublished outbox rows plus consumers' pending and unacked. */
  async backlog(): Promise<number> {
    const [row] = await this.#q((sql) =>
      sql<{ n: number }[]>`select count(*)::int as n from outbox where published_at is null`
    );
    let n = row.n;
    for await (const s of this.jsm.streams.list()) {
      if (s.config.name === DLQ_STREAM) continue;
      for await (const c of this.jsm.consumers.list(s.config.name)) {
        n += c.num_pending + c.num_ack_pending;
      }
    }
    return n;
  }

  /** E-mails and webhooks queued and not yet sent (each will be a `notification.sent` event). */
  async pendingDeliveries(): Promise<number> {
    const [row] = await this.#q((sql) =>
      sql<{ n: number }[]>`
        select count(*)::int as n from notifications.deliveries where status = 'pending'`
    );
    return row.n;
  }

  /** Messages in the dead-letter stream (NaN when it cannot be read). */
  async deadLetters(): Promise<number> {
    try {
      return (await this.jsm.streams.info(DLQ_STREAM)).state.messages;
    } catch {
      return NaN;
    }
  }

  /** Outbox rows ever written (the outbox sequence), NaN when it cannot be read. */
  async eventsWritten(): Promise<number> {
    try {
      const [row] = await this.#q((sql) =>
        sql<{ n: string }[]>`
          select coalesce(pg_sequence_last_value(
            pg_get_serial_sequence('outbox', 'seq')::regclass), 0)::text as n`
      );
      return Number(row.n);
    } catch {
      return NaN;
    }
  }

  /** Commits and deadlocks Postgres counted for the run database (pg_stat_database). */
  async stats(): Promise<DbStats> {
    const [row] = await this.admin<{ c: string; d: string }[]>`
      select xact_commit::text as c, deadlocks::text as d
      from pg_stat_database where datname = ${this.database}`;
    return { xactCommit: Number(row?.c ?? NaN), deadlocks: Number(row?.d ?? NaN) };
  }

  /**
   * Pending -> confirmed in ms for every reservation created in [from, to), from its history
   * (the first `pending` row and the first `confirmed` one); null when never confirmed.
   */
  async confirmations(from: Date, to: Date): Promise<(number | null)[]> {
    const rows = await this.#q((sql) =>
      sql<{ ms: number | null }[]>`
        select (extract(epoch from c.at - p.at) * 1000)::float8 as ms
        from reservations r
        cross join lateral (select min(h.at) as at from reservation_history h
          where h.reservation_id = r.id and h.status = 'pending') p
        cross join lateral (select min(h.at) as at from reservation_history h
          where h.reservation_id = r.id and h.status = 'confirmed') c
        where r.created_at >= ${from} and r.created_at < ${to}`
    );
    return rows.map((r) => r.ms);
  }

  /**
   * For the reservations created in [from, to): the last first-confirmation among them and how
   * many were never confirmed.
   */
  async confirmedBy(from: Date, to: Date): Promise<{ last: Date | null; never: number }> {
    const [row] = await this.#q((sql) =>
      sql<{ last: Date | null; never: number }[]>`
        select max(c.at) as last, count(*) filter (where c.at is null)::int as never
        from reservations r
        cross join lateral (select min(h.at) as at from reservation_history h
          where h.reservation_id = r.id and h.status = 'confirmed') c
        where r.created_at >= ${from} and r.created_at < ${to}`
    );
    return { last: row.last ? new Date(row.last) : null, never: row.never };
  }

  /** True once a reservation was created at or after `since`. */
  async bookedSince(since: Date): Promise<boolean> {
    const [row] = await this.#q((sql) =>
      sql<{ any: boolean }[]>`
        select exists(select 1 from reservations where created_at >= ${since}) as any`
    );
    return row.any;
  }

  /** Closes the connections. */
  async close(): Promise<void> {
    await Promise.allSettled([
      this.run.end({ timeout: 1 }),
      this.admin.end({ timeout: 1 }),
      this.nc.close(),
    ]);
  }
}
