import { jetstreamManager } from "@nats-io/jetstream";
import { connectNats, readLag } from "../shared/nats/mod.ts";
import { natsAccess } from "./platform.ts";
import { connectDb } from "../shared/db/mod.ts";
import { outboxBacklog } from "../shared/outbox/mod.ts";
import { withTimeout } from "../shared/time/mod.ts";

/** Formats rows as a left-aligned text table. */
export function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

function bytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}

/** `./berth status`: streams, consumers and the outbox backlog, as readable tables. */
export async function status(urls: { DATABASE_URL: string; NATS_URL: string }): Promise<number> {
  let ok = true;
  try {
    const nc = await withTimeout(
      connectNats(urls.NATS_URL, "berth-status", { role: "cli", ...natsAccess() }),
      3000,
      "NATS",
    );
    try {
      const jsm = await jetstreamManager(nc);
      const streams = [];
      const consumers = [];
      for await (const s of jsm.streams.list()) {
        streams.push([
          s.config.name,
          s.state.messages,
          bytes(s.state.bytes),
          s.state.consumer_count,
          s.config.num_replicas,
        ]);
        for await (const c of jsm.consumers.list(s.config.name)) {
          consumers.push([
            s.config.name,
            c.name,
            c.num_pending,
            c.num_ack_pending,
            c.num_redelivered,
            c.delivered.stream_seq,
          ]);
        }
      }
      console.log(`NATS ${urls.NATS_URL}\n`);
      console.log(table(["STREAM", "MESSAGES", "BYTES", "CONSUMERS", "REPLICAS"], streams));
      console.log();
      // One consumer per service, stream and partition: list those with work, count the rest.
      const busy = consumers.filter((c) => c[2] !== 0 || c[3] !== 0 || c[4] !== 0);
      console.log(
        busy.length
          ? table(
            ["STREAM", "CONSUMER", "PENDING", "ACK PENDING", "REDELIVERED", "LAST SEQ"],
            busy,
          )
          : "every consumer is caught up",
      );
      console.log(`(${consumers.length - busy.length} of ${consumers.length} consumers caught up)`);
      const dead = Object.entries((await readLag(jsm)).deadLetters);
      console.log(
        dead.length
          ? `\ndead letters: ${dead.map(([svc, n]) => `${svc} ${n}`).join(", ")} (./berth dlq ls)`
          : "\ndead letters: none",
      );
    } finally {
      await nc.close();
    }
  } catch (err) {
    ok = false;
    console.log(`NATS ${urls.NATS_URL}: unreachable (${(err as Error).message}); is berth up?`);
  }
  const sql = connectDb(urls.DATABASE_URL, { max: 1, appName: "berth-status" });
  try {
    const b = await outboxBacklog(sql);
    const age = b.events ? `, the oldest ${b.oldestSeconds.toFixed(1)} s old` : "";
    console.log(`\noutbox backlog: ${b.events} event(s)${age}`);
  } catch (err) {
    ok = false;
    console.log(`\nPostgres: ${(err as Error).message}`);
  } finally {
    await sql.end({ timeout: 1 });
  }
  return ok ? 0 : 1;
}
