import postgres from "postgres";

/** The postgres.js client type used throughout berth. */
export type Sql = postgres.Sql;

/** Opens a pool; `max` connections, dates kept as ISO strings, notices off. */
export function connectDb(url: string, opts: { max?: number; appName?: string } = {}): Sql {
  return postgres(url, {
    max: opts.max ?? 8,
    idle_timeout: 30,
    connect_timeout: 5,
    onnotice: () => {},
    connection: { application_name: opts.appName ?? "berth" },
    types: {
      // Keep `date` columns as YYYY-MM-DD text, as the API speaks them.
      date: { to: 1082, from: [1082], serialize: (x: string) => x, parse: (x: string) => x },
    },
  });
}

/** True when `err` is a Postgres error with one of the given SQLSTATE codes. */
export function isPgError(err: unknown, ...codes: string[]): err is postgres.PostgresError {
  return err instanceof postgres.PostgresError && (codes.length === 0 || codes.includes(err.code));
}

/** True when the error means Postgres cannot be reached (down, refusing, restarting). */
export function isPgUnavailable(err: unknown): boolean {
  const code = (err as { code?: string })?.code ?? "";
  return [
    "ECONNREFUSED",
    "ECONNRESET",
    "CONNECT_TIMEOUT",
    "CONNECTION_CLOSED",
    "CONNECTION_ENDED",
    "CONNECTION_DESTROYED",
    "57P01",
    "57P02",
    "57P03",
    "08000",
    "08003",
    "08006",
    "08001",
  ].includes(
    code,
  ) || err instanceof Deno.errors.ConnectionRefused;
}

/**
 * Runs `fn` in one transaction (BEGIN … COMMIT, ROLLBACK on a throw) on a connection reserved
 * for it. The transaction is typed as a plain `Sql`, so query modules take one parameter type
 * for pools and transactions.
 *
 * Not `sql.begin`: under load postgres.js may pipeline begin's BEGIN behind another query on a
 * busy connection, and then fails it with UNSAFE_TRANSACTION. A reserved connection is idle and
 * ours alone until released.
 */
export async function inTransaction<T>(sql: Sql, fn: (tx: Sql) => Promise<T>): Promise<T> {
  const tx = await sql.reserve();
  try {
    await tx`begin`;
    let result: T;
    try {
      result = await fn(tx as unknown as Sql);
    } catch (err) {
      await tx`rollback`.catch(() => {});
      throw err;
    }
    await tx`commit`;
    return result;
  } finally {
    tx.release();
  }
}
