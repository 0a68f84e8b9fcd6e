/** Deadlocks as Postgres logs them: `ERROR:  deadlock detected` lines written during a run. */
import type { Sql } from "../../shared/db/mod.ts";

/** The number of `deadlock detected` lines in a piece of the Postgres log. */
export function countDeadlocks(text: string): number {
  let n = 0;
  for (const line of text.split("\n")) if (line.includes("deadlock detected")) n++;
  return n;
}

/**
 * The log of berth's private cluster: `pg_ctl -l <home>/postgres.log` with the data directory at
 * `<home>/data` (cli/infra/postgres.ts), so the data directory the server reports tells where it
 * is. Null when that file cannot be read (another server, another machine).
 */
export async function privateClusterLog(admin: Sql): Promise<string | null> {
  try {
    const [row] = await admin<{ dir: string }[]>`select current_setting('data_directory') as dir`;
    const path = row.dir.replace(/\/[^/]+\/?$/, "") + "/postgres.log";
    await (await Deno.open(path, { read: true })).close();
    return path;
  } catch {
    return null;
  }
}

/** Counts the deadlock lines a log file gains from now on (from the offset at `start`). */
export class DeadlockLog {
  private constructor(readonly path: string | null, readonly offset: number) {}

  /** Remembers the end of `path` (null: no readable log; `count()` is then null). */
  static async start(path: string | null): Promise<DeadlockLog> {
    if (!path) return new DeadlockLog(null, 0);
    const size = await Deno.stat(path).then((s) => s.size, () => 0);
    return new DeadlockLog(path, size);
  }

  /** Deadlock lines written since `start`; a log that shrank (rotated) is read from its start. */
  async count(): Promise<number | null> {
    if (!this.path) return null;
    try {
      const file = await Deno.open(this.path, { read: true });
      try {
        const size = (await file.stat()).size;
        const from = size < this.offset ? 0 : this.offset;
        await file.seek(from, Deno.SeekMode.Start);
        const buf = new Uint8Array(size - from);
        let read = 0;
        while (read < buf.length) {
          const n = await file.read(buf.subarray(read));
          if (n === null) break;
          read += n;
        }
        return countDeadlocks(new TextDecoder().decode(buf.subarray(0, read)));
      } finally {
        file.close();
      }
    } catch {
      return null;
    }
  }
}
