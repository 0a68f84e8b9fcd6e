/** Postgres: connections, transactions, SQLSTATE checks, migrations, keyset pages. */
export { connectDb, inTransaction, isPgError, isPgUnavailable, openSession } from "./db.ts";
export type { Session, Sql } from "./db.ts";
export { migrate } from "./migrate.ts";
export type { PageOpts, Position } from "./page.ts";
export { SSL_MODES } from "./ssl.ts";
