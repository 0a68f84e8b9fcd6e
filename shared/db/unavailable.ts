/**
 * Postgres cannot be used, found by berth itself before a statement was sent: the pool's trial
 * queries find it unreachable (`DATABASE_UNREACHABLE`), or a session's connection closed and
 * took what the session held with it (`SESSION_LOST`). `isPgUnavailable` counts both.
 */
export class DatabaseUnavailable extends Error {
  override name = "DatabaseUnavailable";
  constructor(readonly code: "DATABASE_UNREACHABLE" | "SESSION_LOST", message: string) {
    super(message);
  }
}
