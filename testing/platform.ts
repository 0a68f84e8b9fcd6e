/** A migrated database, a nats-server with the berth streams, and connections to both. */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connectNats } from "../shared/nats/mod.ts";
import { provisionStreams } from "../shared/events/mod.ts";
import { testDatabase, testNats } from "./mod.ts";

/** Starts everything a runtime test needs; `close()` tears it down. */
export async function platform() {
  const db = await testDatabase();
  const server = await testNats();
  const nc = await connectNats(server.url, "test");
  const jsm = await jetstreamManager(nc);
  await provisionStreams(jsm);
  return {
    db,
    sql: db.sql,
    server,
    nc,
    jsm,
    js: jetstream(nc),
    async close() {
      await nc.close();
      await server.stop();
      await db.drop();
    },
  };
}
