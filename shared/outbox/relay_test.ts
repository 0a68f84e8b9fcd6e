import assert from "node:assert/strict";
import { jetstreamManager } from "@nats-io/jetstream";
import { eventually, integration, testDatabase, testNats } from "../../testing/mod.ts";
import { connectNats } from "../nats/mod.ts";
import { provisionStreams } from "../events/mod.ts";
import { booking, seedCatalogue, testApp } from "../../testing/app.ts";
import { countAbortListeners } from "../../testing/listeners.ts";
import { runRelay } from "./relay.ts";

integration("relay: NATS down, bookings go on; back up, all drain once and in order", async () => {
  const db = await testDatabase();
  const server = await testNats();
  const nc = await connectNats(server.url, "relay-test");
  const jsm = await jetstreamManager(nc);
  await provisionStreams(jsm);
  const { call } = testApp(db.sql);
  const { propertyId, roomId } = await seedCatalogue(call, { rooms: 1000 });
  const stops: AbortController[] = [];
  const relay = () => {
    const stop = new AbortController();
    stops.push(stop);
    return runRelay({ sql: db.sql, nc, signal: stop.signal });
  };
  let n = 0;
  const book = async (count: number) => {
    const rs = await Promise.all(
      Array.from({ length: count }, () =>
        call(
          "POST",
          "/v1/reservations",
          booking(propertyId, [
            { resourceId: roomId, from: "2030-06-01", to: "2030-06-02" },
          ]),
          { "idempotency-key": `b-${n++}` },
        )),
    );
    assert.ok(rs.every((r) => r.status === 201));
  };
  const streamCount = async () => (await jsm.streams.info("RESERVATIONS")).state.messages;
  const backlog = async () =>
    (await db.sql`select count(*)::int as n from outbox where published_at is null`)[0].n;
  const running = [relay(), relay()]; // two relays at once: one publishes, one stands by
  try {
    await book(20);
    await eventually(async () => (await streamCount()) === 20, 10_000, "first 20 published");

    await server.stop();
    await book(30);
    assert.equal(await backlog(), 30, "with NATS down the bookings wait in the outbox");

    await server.start();
    await eventually(async () => (await backlog()) === 0, 20_000, "backlog drained");
    assert.equal(await streamCount(), 50);

    // A relay that died between publish and mark re-publishes: JetStream drops the copies.
    await db.sql`update outbox set published_at = null`;
    await eventually(async () => (await backlog()) === 0, 10_000, "re-published");
    assert.equal(await streamCount(), 50);

    // One reservation.created per booking, in booking (outbox) order.
    const outbox = await db
      .sql`select id from outbox where type = 'reservation.created' order by seq`;
    const ids: string[] = [];
    for (let seq = 1; seq <= 50; seq++) {
      const m = await jsm.streams.getMessage("RESERVATIONS", { seq });
      assert.match(m!.subject, new RegExp(`^reservation\\.${propertyId}\\.created\\.\\d$`));
      assert.equal(m!.header.get("Nats-Msg-Id"), m!.json<{ id: string }>().id);
      ids.push(m!.json<{ id: string }>().id);
    }
    assert.deepEqual(ids, outbox.map((r) => r.id));

    // The relay started first is the active one: stopped, it ends, and the standby, which
    // asks for the lock every 3 s, takes over. (The standby's stop is what the finally
    // checks.)
    stops[0].abort();
    await running[0];
    await book(10);
    await eventually(async () => (await streamCount()) === 60, 6000, "the standby publishes");
  } finally {
    stops.forEach((s) => s.abort());
    await Promise.all(running);
    await nc.close();
    await server.stop();
    await db.drop();
  }
});

integration("relay: a standby relay holds back no vacuum while it waits for the lock", async () => {
  const db = await testDatabase();
  const server = await testNats();
  const nc = await connectNats(server.url, "relay-standby-test");
  await provisionStreams(await jetstreamManager(nc));
  const { call } = testApp(db.sql);
  const { propertyId, roomId } = await seedCatalogue(call, { rooms: 100 });
  const stop = new AbortController();
  const running = [1, 2].map(() => runRelay({ sql: db.sql, nc, signal: stop.signal }));
  try {
    for (let i = 0; i < 20; i++) {
      const r = await call(
        "POST",
        "/v1/reservations",
        booking(propertyId, [{ resourceId: roomId, from: "2030-06-01", to: "2030-06-02" }]),
        { "idempotency-key": `standby-${i}` },
      );
      assert.equal(r.status, 201);
    }
    const unpublished = async () =>
      (await db.sql`select count(*)::int as n from outbox where published_at is null`)[0].n;
    await eventually(async () => (await unpublished()) === 0, 10_000, "published");
    // Marking them published left their old versions dead; with nothing holding an old
    // snapshot, a vacuum removes every one of them.
    await db.sql`vacuum outbox`;
    const [{ dead }] = await db.sql`select n_dead_tup::int as dead from pg_stat_user_tables
      where relname = 'outbox'`;
    assert.equal(dead, 0, "dead outbox rows a vacuum could not remove");
  } finally {
    stop.abort();
    await Promise.all(running);
    await nc.close();
    await server.stop();
    await db.drop();
  }
});

/**
 * A relay that only a NOTIFY (or the idle hand-over) can wake: its poll is an hour. `idle(v)`
 * waits until the relay's idle flag is `v`; `published()` counts RESERVATIONS.
 */
async function quietRelay(name: string, warmMs: number) {
  const db = await testDatabase();
  const server = await testNats();
  const nc = await connectNats(server.url, name);
  const jsm = await jetstreamManager(nc);
  await provisionStreams(jsm);
  const stop = new AbortController();
  const running = runRelay({ sql: db.sql, nc, signal: stop.signal, pollMs: 3_600_000, warmMs });
  return {
    db,
    idle: (want: boolean) =>
      eventually(
        async () => (await db.sql`select idle from outbox_relay_state`)[0].idle === want,
        10_000,
        `relay idle = ${want}`,
      ),
    published: async () => (await jsm.streams.info("RESERVATIONS")).state.messages,
    async close() {
      stop.abort();
      await running;
      await nc.close();
      await server.stop();
      await db.drop();
    },
  };
}

integration("relay: an idle relay is woken by the booking's NOTIFY, not by its poll", async () => {
  const relay = await quietRelay("relay-wake-test", 100);
  const { call } = testApp(relay.db.sql);
  const { propertyId, roomId } = await seedCatalogue(call);
  try {
    for (let i = 1; i <= 3; i++) {
      await relay.idle(true);
      const r = await call(
        "POST",
        "/v1/reservations",
        booking(propertyId, [
          { resourceId: roomId, from: "2030-06-01", to: "2030-06-02" },
        ]),
        { "idempotency-key": `wake-${i}` },
      );
      assert.equal(r.status, 201);
      await eventually(async () => (await relay.published()) === i, 10_000, `event ${i} published`);
    }
  } finally {
    await relay.close();
  }
});

integration(
  'relay: a writer that read "busy" as the relay went idle is still published',
  async () => {
    const relay = await quietRelay("relay-gap-test", 300);
    const writer = await relay.db.sql.reserve();
    try {
      await relay.idle(false);
      // The writer inserts while the relay is awake (its trigger reads "busy": no NOTIFY) ...
      await writer`begin`;
      await writer`insert into outbox (id, property_id, subject, type, payload)
        values (${crypto.randomUUID()}, 'p1', 'reservation.p1.created', 'reservation.created',
          '{}')`;
      // ... the relay goes idle meanwhile, and only then the writer commits.
      await relay.idle(true);
      await new Promise((r) => setTimeout(r, 300));
      await writer`commit`;
      await eventually(
        async () => (await relay.published()) === 1,
        5000,
        "the late writer's event published",
      );
    } finally {
      writer.release();
      await relay.close();
    }
  },
);

integration("relay: a busy relay leaves no abort listener behind on the stop signal", async () => {
  const db = await testDatabase();
  const server = await testNats();
  const nc = await connectNats(server.url, "relay-listener-test");
  await provisionStreams(await jetstreamManager(nc));
  const stop = new AbortController();
  const listeners = countAbortListeners(stop.signal);
  const running = runRelay({ sql: db.sql, nc, signal: stop.signal });
  const published = async () =>
    (await db.sql`select count(*)::int as n from outbox where published_at is not null`)[0].n;
  try {
    // Events keep coming, so the relay stays awake and looks again every few milliseconds:
    // each look waits on the stop signal. Hundreds of looks stand in for a long-running relay.
    let sent = 0;
    while (listeners.added() < 600) {
      await db.sql`insert into outbox (id, property_id, subject, type, payload)
        values (${crypto.randomUUID()}, 'p1', 'reservation.p1.created', 'reservation.created',
          '{}')`;
      sent++;
      await new Promise((r) => setTimeout(r, 5));
    }
    await eventually(async () => (await published()) === sent, 10_000, "all published");
    assert.ok(
      listeners.live() <= 1,
      `${listeners.live()} abort listeners left on the stop signal after ${listeners.added()}`,
    );
  } finally {
    stop.abort();
    await running;
    await nc.close();
    await server.stop();
    await db.drop();
  }
});
