/** Test support: database, nats-server, streams, the relay and the given services running. */
import { jetstreamManager } from "@nats-io/jetstream";
import { clusterReplicas, connectNats } from "../../../shared/nats/nats.ts";
import { provisionStreams } from "../../../shared/events/streams.ts";
import { testDatabase, testNats } from "../../../shared/testing/mod.ts";
import { runRelay } from "../../../shared/outbox/mod.ts";
import { type ConsumerTuning, runService, type Service } from "../../runtime/mod.ts";
import { inTransaction, type Sql } from "../../../shared/db/db.ts";
import { appendToOutbox } from "../../../shared/outbox/mod.ts";
import { makeEvent } from "../../../shared/events/envelope.ts";
import type { EventData, EventType } from "../../../shared/events/catalogue.ts";

// deno-lint-ignore no-explicit-any
type Services = Service<any>[];

/**
 * Starts the platform with `services` consuming (or those made for its database); `close()`
 * stops and removes everything. With `natsUrl` (a cluster's) it uses that NATS instead of
 * starting a nats-server, with as many stream replicas as that cluster has servers; `tuning`
 * changes the consumers' defaults.
 */
export async function pipeline(
  made: Services | ((sql: Sql) => Services),
  opts: { natsUrl?: string; tuning?: Partial<ConsumerTuning> } = {},
) {
  const db = await testDatabase();
  const server = opts.natsUrl ? null : await testNats();
  const natsUrl = opts.natsUrl ?? server!.url;
  const nc = await connectNats(natsUrl, "test");
  await provisionStreams(await jetstreamManager(nc), {
    replicas: clusterReplicas(nc.info),
    exact: false,
  });
  const stop = new AbortController();
  const sql = db.sql;
  const services = typeof made === "function" ? made(sql) : made;
  const running = [
    runRelay({ sql, nc, signal: stop.signal }),
    ...services.map((service) =>
      runService({ sql, nc, service, signal: stop.signal, tuning: opts.tuning })
    ),
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
    natsUrl,
    publish,
    async close() {
      stop.abort();
      await Promise.allSettled(running);
      await nc.close();
      await server?.stop();
      await db.drop();
    },
  };
}
