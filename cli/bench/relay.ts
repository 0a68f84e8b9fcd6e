/**
 * The relay step: how fast the outbox relay empties a full outbox into JetStream, against the
 * ceiling `nats bench` measures on the same kind of server (file storage, an fsync for every
 * message), each on its own throwaway server and database so the platform's streams are not
 * touched.
 */
import { jetstreamManager } from "@nats-io/jetstream";
import { connectDb, migrate } from "../../shared/db/mod.ts";
import { connectNats } from "../../shared/nats/mod.ts";
import { provisionStreams } from "../../shared/events/mod.ts";
import { runRelay } from "../../shared/outbox/mod.ts";
import { ensureTool, freePort, NatsServer, run } from "../infra/mod.ts";
import { sameServer } from "./pgbench.ts";
import { sleep } from "./lag.ts";

/** What the relay step measured. */
export interface RelayResult {
  events: number;
  payloadBytes: number;
  /** Events a second from the relay's start until the outbox was empty. */
  relayRate: number;
  /** `nats bench js pub async` on a server like the platform's: messages a second. */
  natsRate: number;
  natsCommand: string;
}

const RELAY_DB = "berth_bench_relay";

/** The events of a booking's saga, spread over their streams as the platform spreads them. */
const SUBJECTS = [
  "reservation.{p}.created",
  "payment.{p}.authorized",
  "reservation.{p}.confirmed",
  "rate.{p}.applied",
  "notification.{p}.sent",
];

/** Reads `... stats: 5,861 msgs/sec ...` from nats bench's summary. */
export function parseNatsBench(out: string): number {
  const m = /stats: ([\d,.]+) msgs\/sec/.exec(out);
  if (!m) throw new Error(`nats bench printed no rate:\n${out}`);
  return Number(m[1].replaceAll(",", ""));
}

async function fillOutbox(url: string, events: number, payloadBytes: number) {
  const sql = connectDb(url, { max: 1, appName: "berth-bench" });
  try {
    await migrate(sql);
    const properties = Array.from({ length: 100 }, () => crypto.randomUUID());
    const filler = "x".repeat(payloadBytes - 100);
    for (let from = 0; from < events; from += 5000) {
      const rows = Array.from({ length: Math.min(5000, events - from) }, (_, i) => {
        const property = properties[(from + i) % properties.length];
        const subject = SUBJECTS[(from + i) % SUBJECTS.length].replace("{p}", property);
        const id = crypto.randomUUID();
        return {
          id,
          property_id: property,
          subject,
          type: subject.split(".")[2],
          payload: JSON.stringify({ id, subject, filler }),
        };
      });
      await sql`insert into outbox ${sql(rows, "id", "property_id", "subject", "type", "payload")}`;
    }
  } finally {
    await sql.end();
  }
}

/** Drains `events` outbox rows through the relay, then runs `nats bench` on the same server. */
export async function relayStep(
  serverUrl: string,
  say: (m: string) => void,
  events = 20_000,
  payloadBytes = 1024,
): Promise<RelayResult> {
  const admin = connectDb(sameServer(serverUrl, "postgres"), { max: 1, appName: "berth-bench" });
  await admin`drop database if exists ${admin(RELAY_DB)} with (force)`;
  await admin`create database ${admin(RELAY_DB)}`;
  const url = sameServer(serverUrl, RELAY_DB);
  const store = await Deno.makeTempDir({ prefix: "berth-bench-relay-" });
  const nats = new NatsServer({
    bin: await ensureTool("nats-server", say),
    port: freePort(),
    storeDir: store,
  });
  await nats.start();
  const sql = connectDb(url, { max: 4, appName: "berth-bench-relay" });
  const nc = await connectNats(nats.url, "berth-bench-relay");
  const stop = new AbortController();
  try {
    await provisionStreams(await jetstreamManager(nc));
    await fillOutbox(url, events, payloadBytes);
    say(`bench: relay: ${events} events of ${payloadBytes} B in the outbox; relay started`);
    const started = performance.now();
    const relay = runRelay({ sql, nc, signal: stop.signal });
    for (;;) {
      const [{ n }] = await sql<{ n: number }[]>`
        select count(*)::int as n from outbox where published_at is null`;
      if (n === 0) break;
      await sleep(50);
    }
    const relayRate = events / ((performance.now() - started) / 1000);
    stop.abort();
    await relay;
    const args = [
      "bench",
      "js",
      "pub",
      "async",
      "bench.relay",
      "--create",
      "--dedup",
      `--msgs=${events}`,
      `--size=${payloadBytes}B`,
      "--batch=500",
      "--no-progress",
    ];
    const natsCli = await ensureTool("nats", say);
    const out = await run(natsCli, ["-s", nats.url, ...args]);
    return {
      events,
      payloadBytes,
      relayRate,
      natsRate: parseNatsBench(out.stdout + out.stderr),
      natsCommand: `nats ${args.join(" ")}`,
    };
  } finally {
    stop.abort();
    await nc.close().catch(() => {});
    await sql.end();
    await nats.stop();
    await Deno.remove(store, { recursive: true }).catch(() => {});
    await admin`drop database if exists ${admin(RELAY_DB)} with (force)`.catch(() => {});
    await admin.end();
  }
}
