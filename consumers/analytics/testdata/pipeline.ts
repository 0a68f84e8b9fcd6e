/** Test support: database, nats-server, streams, the relay and the given services running. */
import { jetstreamManager } from "@nats-io/jetstream";
import { connectNats } from "../../../shared/nats/nats.ts";
import { provisionStreams } from "../../../shared/events/streams.ts";
import { testDatabase, testNats } from "../../../shared/testing/mod.ts";
import { runRelay } from "../../../shared/outbox/mod.ts";
import { runService, type Service } from "../../runtime/mod.ts";
import { inTransaction } from "../../../shared/db/db.ts";
import { appendToOutbox } from "../../../shared/outbox/mod.ts";
import { makeEvent } from "../../../shared/events/envelope.ts";
import type { EventData, EventType } from "../../../shared/events/catalogue.ts";

/** Starts the platform with `services` consuming; `close()` stops and removes everything. */
// deno-lint-ignore no-explicit-any
export async function pipeline(services: Service<any>[]) {
  const db = await testDatabase();
  const server = await testNats();
  const nc = await connectNats(server.url, "test");
  await provisionStreams(await jetstreamManager(nc));
  const stop = new AbortController();
  const sql = db.sql;
  const running = [
    runRelay({ sql, nc, signal: stop.signal }),
    ...services.map((service) => runService({ sql, nc, service, signal: stop.signal })),
  ];
  /** Appends an event to the outbox, as the api or a service would. */
  async function publish<T extends EventType>(
    type: T,
    propertyId: string,
    data: EventData<T>,
    now: Date,
  ) {
    await inTransaction(
      sql,
      (tx) =>
        appendToOutbox(tx, [makeEvent(type, propertyId, data, { correlationId: "test", now })]),
    );
  }
  return {
    sql,
    nc,
    url: db.url,
    natsUrl: server.url,
    publish,
    async close() {
      stop.abort();
      await Promise.allSettled(running);
      await nc.close();
      await server.stop();
      await db.drop();
    },
  };
}
