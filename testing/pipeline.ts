/** Test support: database, nats-server, streams, the relay and the given services running. */
import { jetstreamManager } from "@nats-io/jetstream";
import { clusterReplicas, connectNats } from "../shared/nats/mod.ts";
import { makeEvent, provisionStreams } from "../shared/events/mod.ts";
import { testDatabase, testNats } from "./mod.ts";
import { appendToOutbox, runRelay } from "../shared/outbox/mod.ts";
import type { ConsumerTuning, Service } from "../consumers/runtime/mod.ts";
import { runService } from "../consumers/runtime/mod.ts";
import type { Sql } from "../shared/db/mod.ts";
import { inTransaction } from "../shared/db/mod.ts";
import type { EventData, EventType } from "../shared/events/mod.ts";
import { uuidv7 } from "../shared/ids/mod.ts";

// deno-lint-ignore no-explicit-any
type Services = Service<any>[];

/**
 * Starts the platform with `services` consuming (or those made for its database); `close()`
 * stops and removes everything. With `natsUrl` (a cluster's) it uses that NATS instead of
 * starting a nats-server, with as many stream replicas as that cluster has servers; `tuning`
 * changes the consumers' defaults; `now` is the services' runtime clock (default: real time).
 */
export async function pipeline(
  made: Services | ((sql: Sql) => Services),
  opts: { natsUrl?: string; tuning?: Partial<ConsumerTuning>; now?: () => Date } = {},
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
  // Each loop by name, so a close that waits in vain can say which one did not stop.
  const running = new Map<string, Promise<void>>([
    ["relay", runRelay({ sql, nc, signal: stop.signal })],
    ...services.map((service) =>
      [
        service.name,
        runService({ sql, nc, service, signal: stop.signal, tuning: opts.tuning, now: opts.now }),
      ] as const
    ),
  ]);
  for (const [name, p] of running) p.then(() => running.delete(name), () => running.delete(name));
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
        appendToOutbox(tx, [
          makeEvent(type, propertyId, data, {
            correlationId: "test",
            now,
            id: uuidv7(now.getTime()),
          }),
        ]),
    );
  }
  return {
    sql,
    nc,
    url: db.url,
    natsUrl,
    publish,
    /** Stops everything; a loop that does not stop within 15 s is named and left behind. */
    async close() {
      stop.abort();
      const deadline = Date.now() + 15_000;
      while (running.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const stuck = [...running.keys()];
      await nc.close();
      await server?.stop();
      await db.drop();
      // Not thrown: that would hide the error of the test that failed before.
      if (stuck.length) console.error(`did not stop within 15 s: ${stuck.join(", ")}`);
    },
  };
}
