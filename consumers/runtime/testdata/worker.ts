/**
 * A service instance in its own process, for tests that kill it: runs the counting service
 * against DATABASE_URL and NATS_URL as instance INSTANCE until SIGTERM.
 */
import { connectDb } from "../../../shared/db/mod.ts";
import { connectNats } from "../../../shared/nats/mod.ts";
import { runService } from "../runner.ts";
import { Members } from "../members.ts";
import { countingService } from "./fixtures.ts";

const instance = Deno.env.get("INSTANCE") ?? "w";
const sql = connectDb(Deno.env.get("DATABASE_URL")!, { max: 8 });
const nc = await connectNats(Deno.env.get("NATS_URL")!, `worker-${instance}`);
const stop = new AbortController();
Deno.addSignalListener("SIGTERM", () => stop.abort());
// The instance's name is its member id: which partitions it owns is then the same every run.
const members = new Members({ id: instance, group: "counter" });
await members.join(nc, stop.signal);
await runService({
  sql,
  nc,
  members,
  service: countingService(instance),
  signal: stop.signal,
  tuning: { ackWaitMs: 2000, pinTimeoutMs: 3000 },
});
await nc.drain();
await sql.end({ timeout: 2 });
