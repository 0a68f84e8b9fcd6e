import postgres from "postgres";
import { Gate, gated } from "./gate.ts";
import { DatabaseUnavailable } from "./unavailable.ts";
import { pgTls } from "./ssl.ts";

/** The postgres.js client type used throughout berth. */
export type Sql = postgres.Sql;

/** How long a new connection may take (TCP, startup, auth): then the query fails. */
export const CONNECT_TIMEOUT_MS = 1000;
/** The wait before a connection that failed or broke is tried again. */
const RECONNECT_DELAY_MS = 100;

/** What a pool is made with. */
export interface DbOptions {
  /** Connections (default 8). */
  max?: number;
  appName?: string;
  /** Postgres cancels a statement that runs longer (SQLSTATE 57014); default no limit. */
  statementTimeoutMs?: number;
}

const made = new WeakMap<Sql, { url: string; opts: DbOptions }>();

function clientOptions(opts: DbOptions) {
  return {
    max: opts.max ?? 8,
    idle_timeout: 30,
    connect_timeout: CONNECT_TIMEOUT_MS / 1000,
    // postgres.js waits 3^n/100 s (up to 20 s) after the nth failed connection attempt in a
    // row: long after Postgres is back, a query would still wait for that timer.
    backoff: () => RECONNECT_DELAY_MS / 1000,
    onnotice: () => {},
    connection: {
      application_name: opts.appName ?? "berth",
      ...(opts.statementTimeoutMs ? { statement_timeout: opts.statementTimeoutMs } : {}),
    },
    types: {
      // Keep `date` columns as YYYY-MM-DD text, as the API speaks them.
      date: { to: 1082, from: [1082], serialize: (x: string) => x, parse: (x: string) => x },
    },
  };
}

/**
 * Opens a pool; `max` connections, dates kept as ISO strings, notices off. It fails fast while
 * Postgres cannot be reached (see gate.ts): a query then fails within about CONNECT_TIMEOUT_MS
 * instead of queueing behind connection attempts.
 */
export function connectDb(url: string, opts: DbOptions = {}): Sql {
  const sql = client(url, clientOptions(opts));
  made.set(sql, { url, opts });
  return sql;
}

/**
 * A gated postgres.js client: a pool, or a session's one connection; TLS as the URL's
 * `sslmode` and `sslrootcert` say (ssl.ts).
 */
function client(
  url: string,
  options: ReturnType<typeof clientOptions> & { max_lifetime?: number; onclose?: () => void },
): Sql {
  const tls = pgTls(url);
  return gated(
    postgres(tls.url, { ...options, ssl: tls.ssl }),
    new Gate(options.max, isPgUnavailable, CONNECT_TIMEOUT_MS),
  );
}

/** True when `err` is a Postgres error with one of the given SQLSTATE codes. */
export function isPgError(err: unknown, ...codes: string[]): err is postgres.PostgresError {
  return err instanceof postgres.PostgresError && (codes.length === 0 || codes.includes(err.code));
}

const unavailable = new Set([
  // the socket: refused, reset, written to after the other side closed it, ...
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTCONN",
  // postgres.js
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  // SQLSTATE: shut down, crashed, starting up; connection exceptions
  "57P01",
  "57P02",
  "57P03",
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
]);

/**
 * True when the error means Postgres cannot be reached or the connection to it broke (down,
 * refusing, restarting, crashed). A statement that was sent when the connection broke may have
 * committed all the same.
 */
export function isPgUnavailable(err: unknown): boolean {
  return err instanceof DatabaseUnavailable ||
    unavailable.has((err as { code?: string })?.code ?? "") ||
    err instanceof Deno.errors.ConnectionRefused;
}

/**
 * Runs `fn` in one transaction (BEGIN … COMMIT, ROLLBACK on a throw) on a connection reserved
 * for it. The transaction is typed as a plain `Sql`, so query modules take one parameter type
 * for pools and transactions.
 *
 * Not `sql.begin`: under load postgres.js may pipeline begin's BEGIN behind another query on a
 * busy connection, and then fails it with UNSAFE_TRANSACTION. A reserved connection is idle and
 * ours alone until released.
 *
 * A reserved connection that broke is neither used again (not even for ROLLBACK: Postgres rolls
 * back a transaction whose connection is gone) nor released. postgres.js writes a statement
 * sent on it to a socket that is gone from a timer, a TypeError no caller can catch that ends
 * the process (porsager/postgres#1208), and releasing it would hand the dead socket to the next
 * query of the pool; the pool took the connection back when its socket closed.
 */
export async function inTransaction<T>(sql: Sql, fn: (tx: Sql) => Promise<T>): Promise<T> {
  const tx = await sql.reserve();
  let broken = false;
  const watch = (err: unknown) => {
    if (isPgUnavailable(err)) broken = true;
    throw err;
  };
  try {
    await tx`begin`.catch(watch);
    let result: T;
    try {
      result = await fn(tx as unknown as Sql);
    } catch (err) {
      if (isPgUnavailable(err)) broken = true;
      else await tx`rollback`.catch(watch).catch(() => {});
      throw err;
    }
    await tx`commit`.catch(watch);
    return result;
  } finally {
    if (!broken) tx.release();
  }
}

/** A Postgres session of its own that knows when it ends: for session locks. */
export interface Session {
  sql: Sql;
  /** Resolves when its connection closes: its session locks are gone. */
  readonly closed: Promise<void>;
  /**
   * Throws DatabaseUnavailable (`SESSION_LOST`) once the session has ended: its statements
   * would run on a new session without what the old one held.
   */
  check(): void;
  /** Ends the session (and what it holds). */
  end(): Promise<void>;
}

/**
 * Opens a session with the settings of `pool` (made by connectDb) on a connection of its own,
 * which stays open while idle. Not `pool.reserve()`: a reserved connection says nothing when
 * its socket closes while it waits, and the next statement on it ends the process (see
 * inTransaction). A statement sent after it ended would run on a new session: `check()` first.
 */
export function openSession(pool: Sql, appName?: string): Session {
  const from = made.get(pool);
  if (!from) throw new Error("openSession needs a pool made by connectDb");
  let lost = false;
  const closed = Promise.withResolvers<void>();
  const sql = client(from.url, {
    ...clientOptions({ ...from.opts, max: 1, appName: appName ?? from.opts.appName }),
    idle_timeout: 0,
    max_lifetime: 0,
    onclose: () => {
      lost = true;
      closed.resolve();
    },
  });
  return {
    sql,
    closed: closed.promise,
    check() {
      if (lost) {
        throw new DatabaseUnavailable(
          "SESSION_LOST",
          "the Postgres session ended (its connection closed)",
        );
      }
    },
    end: () => sql.end({ timeout: 1 }),
  };
}
