/**
 * Metrics between the processes of one machine, over unix sockets: a process answers every
 * connection with one text (its registry as JSON; the hub's sum as Prometheus text) and closes
 * it. Local sockets, not NATS: metrics must answer while NATS is down.
 */
import { log } from "../log/mod.ts";

/** Answers every connection on the unix socket `path` with `answer()`; replaces a stale one. */
export function serveOnSocket(path: string, answer: () => Promise<string>): Deno.Listener {
  try {
    Deno.removeSync(path); // left by a process that died
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const listener = Deno.listen({ transport: "unix", path });
  (async () => {
    for await (const conn of listener) answerOne(conn, answer);
  })().catch(() => {}); // the listener was closed
  return listener;
}

async function answerOne(conn: Deno.Conn, answer: () => Promise<string>): Promise<void> {
  try {
    const bytes = new TextEncoder().encode(await answer());
    for (let n = 0; n < bytes.length;) n += await conn.write(bytes.subarray(n));
  } catch (err) {
    log.warn("metrics not sent", { err });
  } finally {
    try {
      conn.close();
    } catch { /* the reader went away */ }
  }
}

/** Reads what the process behind the unix socket `path` answers; rejects after `timeoutMs`. */
export async function readSocket(path: string, timeoutMs: number): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${path}: no answer in ${timeoutMs} ms`)), timeoutMs);
  });
  const connecting = Deno.connect({ transport: "unix", path });
  let conn: Deno.UnixConn | undefined;
  try {
    conn = await Promise.race([connecting, deadline]);
    const text = new Response(conn.readable).text();
    text.catch(() => {}); // closed at the deadline
    return await Promise.race([text, deadline]);
  } finally {
    clearTimeout(timer);
    if (conn) {
      try {
        conn.close();
      } catch { /* closed at the end of its answer */ }
    } else connecting.then((c) => c.close(), () => {});
  }
}
