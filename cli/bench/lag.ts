/** Consumer lag: as /metrics reports it (like loadtests/lib/lag.js), and straight from the source. */
import { jetstreamManager } from "@nats-io/jetstream";
import { connectDb } from "../../shared/db/db.ts";
import { connectNats } from "../../shared/nats/nats.ts";
import { DLQ_STREAM } from "../../shared/events/catalogue.ts";

/** Metric names that count as lag: consumer pending counts and the unpublished outbox. */
export const LAG_METRICS =
  /^berth_(consumer_(lag|pending|num_pending|ack_pending)|outbox_(backlog|unpublished|pending))/;

/** Sums the lag series of a Prometheus text exposition; `found` is false when there are none. */
export function parseLag(text: string): { lag: number; found: boolean } {
  let lag = 0;
  let found = false;
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    if (!LAG_METRICS.test(line.split(/[{ ]/, 1)[0])) continue;
    found = true;
    lag += Number(line.slice(line.lastIndexOf(" ") + 1)) || 0;
  }
  return { lag, found };
}

/** Reads the lag from `${url}/metrics`; `found: false` when unreachable or not exported. */
export async function readLag(url: string, key: string): Promise<{ lag: number; found: boolean }> {
  try {
    const res = await fetch(`${url}/metrics`, { headers: { Authorization: `Bearer ${key}` } });
    return res.ok ? parseLag(await res.text()) : { lag: -1, found: false };
  } catch {
    return { lag: -1, found: false };
  }
}

/** Events not yet through: unpublished outbox rows plus undelivered/unacked consumer messages. */
export async function backlog(p: { databaseUrl: string; natsUrl: string }): Promise<number> {
  const sql = connectDb(p.databaseUrl, { max: 1, appName: "berth-bench" });
  let n = 0;
  try {
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from outbox where published_at is null`;
    n += row.n;
  } finally {
    await sql.end({ timeout: 1 });
  }
  const nc = await connectNats(p.natsUrl, "berth-bench");
  try {
    const jsm = await jetstreamManager(nc);
    for await (const s of jsm.streams.list()) {
      if (s.config.name === DLQ_STREAM) continue;
      for await (const c of jsm.consumers.list(s.config.name)) {
        n += c.num_pending + c.num_ack_pending;
      }
    }
  } finally {
    await nc.close();
  }
  return n;
}

/**
 * Waits until the event backlog is 0 (or `timeoutMs` passes) so one scenario's events do not
 * land in the next one's figures. Returns the backlog it stopped at.
 */
export async function settle(
  p: { databaseUrl: string; natsUrl: string },
  timeoutMs: number,
  say: (m: string) => void,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let told = Date.now();
  for (;;) {
    const n = await backlog(p);
    if (n === 0 || Date.now() > deadline) return n;
    if (Date.now() - told > 10_000) {
      say(`bench: waiting for the relay and consumers to catch up (backlog ${n})`);
      told = Date.now();
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
