import assert from "node:assert/strict";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { eventually, integration, testNatsCluster } from "../../testing/mod.ts";
import { readLag } from "../../shared/nats/mod.ts";
import type { Envelope } from "../../shared/events/mod.ts";
import { booking, testApp } from "../../testing/app.ts";
import { pipeline } from "../../testing/pipeline.ts";
import { GuardedProvider, PaymentSimulator, paymentsService } from "../payments/mod.ts";
import { reservationsService } from "../reservations/mod.ts";
import { notificationsService } from "../notifications/mod.ts";
import { history } from "../history/mod.ts";

/** The consumers' ack wait in this test. */
const ACK_WAIT_MS = 5000;

/**
 * Makes `server` the leader of `stream` and of every consumer on it (stepdowns that prefer it),
 * and waits until it is.
 */
async function leadOn(nc: NatsConnection, stream: string, server: string): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const assets = [
    {
      api: `STREAM.LEADER.STEPDOWN.${stream}`,
      leader: async () => (await jsm.streams.info(stream)).cluster?.leader,
    },
    ...(await Array.fromAsync(jsm.consumers.list(stream))).map((c) => ({
      api: `CONSUMER.LEADER.STEPDOWN.${stream}.${c.name}`,
      leader: async () => (await jsm.consumers.info(stream, c.name)).cluster?.leader,
    })),
  ];
  for (const asset of assets) {
    await eventually(
      async () => {
        if (await asset.leader() === server) return true;
        await nc.request(
          `$JS.API.${asset.api}`,
          JSON.stringify({ placement: { preferred: server } }),
        );
        return false;
      },
      20_000,
      `${server} leading ${asset.api}`,
    );
  }
}

/** A property with a car park of 100,000 places (paid at confirmation) for the first week. */
async function carPark(call: ReturnType<typeof testApp>["call"]) {
  const property = await call("POST", "/v1/properties", {
    name: "Harbour Parking",
    timezone: "Europe/Amsterdam",
    currency: "EUR",
  });
  const propertyId = property.body.id as string;
  const unit = await call("POST", `/v1/properties/${propertyId}/resources`, {
    name: "Parking",
    kind: "unit",
  });
  const unitId = unit.body.id as string;
  await call("PUT", `/v1/properties/${propertyId}/resources/${unitId}/inventory`, {
    from: "2030-06-01",
    to: "2030-06-08",
    total: 100_000,
    price: 1500,
  });
  return { propertyId, unitId };
}

/**
 * Every event of a stream, as stored, read with direct gets (any replica answers): an ordered
 * consumer, placed on one server of the stream, may be placed on the dead one.
 */
async function storedEvents(nc: NatsConnection, stream: string): Promise<Envelope[]> {
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  const last = (await jsm.streams.info(stream)).state.last_seq;
  const events: Envelope[] = [];
  for (let seq = 1; seq <= last;) {
    const before = seq;
    for await (const m of await jsm.direct.getBatch(stream, { seq, batch: 500 })) {
      events.push(m.json<Envelope>());
      seq = m.seq + 1;
    }
    if (seq === before) throw new Error(`${stream}: nothing stored from ${seq} on`);
  }
  return events;
}

/** How often each `<type> <reservationId>` occurs among `events`. */
function tally(events: Envelope[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of events) {
    const key = `${e.type} ${(e.data as { reservationId: string }).reservationId}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * A 3-node JetStream cluster with R3 streams under booking load; the node that leads the
 * RESERVATIONS and PAYMENTS streams and every consumer on them is killed (SIGKILL) mid-load.
 * The platform's connection is to another node, so the relay and the consumers see their
 * leaders move without a reconnect of their own. Every booking, before and after the kill, is
 * confirmed exactly once; each stream holds every event once, also after the relay sent every
 * event again to the new leaders; no consumer applied an event twice. Events the dead leaders
 * had sent and that never arrived come back after the consumers' ack wait (30 s in production;
 * 5 s here, to keep the test short).
 */
integration(
  "cluster: the booking path's leaders killed under load: nothing lost or twice, consumers go on",
  async () => {
    const cluster = await testNatsCluster(3);
    const p = await pipeline((sql) => [
      paymentsService({
        provider: new GuardedProvider(new PaymentSimulator(sql), { timeoutMs: 5000 }),
      }),
      reservationsService(),
      notificationsService,
      history,
    ], { natsUrl: cluster.url, tuning: { ackWaitMs: ACK_WAIT_MS } });
    const { call } = testApp(p.sql);
    try {
      const connectedTo = p.nc.info?.server_name;
      const victim = cluster.nodes.find((n) => n.opts.name !== connectedTo)!;
      for (const stream of ["RESERVATIONS", "PAYMENTS"]) {
        await leadOn(p.nc, stream, victim.opts.name!);
      }
      // Four car parks: their events spread over the streams' partitions.
      const parks = await Promise.all([1, 2, 3, 4].map(() => carPark(call)));
      const booked: string[] = [];
      let killedAt: number | null = null;
      const client = async (c: number) => {
        const { propertyId, unitId } = parks[c];
        // Bookings until 60 have been made after the kill.
        for (let i = 0; killedAt === null || booked.length < killedAt + 60; i++) {
          const day = 1 + (i % 6);
          const item = { resourceId: unitId, from: `2030-06-0${day}`, to: `2030-06-0${day + 1}` };
          const r = await call("POST", "/v1/reservations", booking(propertyId, [item]), {
            "idempotency-key": crypto.randomUUID(),
          });
          assert.equal(r.status, 201, JSON.stringify(r.body));
          booked.push(r.body.id);
        }
      };
      const clients = Promise.all([0, 1, 2, 3].map(client));
      const confirmed = async () => {
        const [r] = await p.sql<{ n: number }[]>`
          select count(*)::int as n from reservations where status = 'confirmed'`;
        return r.n;
      };
      await eventually(async () => await confirmed() >= 30, 30_000, "bookings confirming");
      Deno.kill(victim.pid!, "SIGKILL");
      killedAt = booked.length;
      await clients;

      // Within a few ack waits, well before a client would notice lost pulls by itself (two
      // missed heartbeats: a minute with the consumers' pulls).
      await eventually(
        async () => await confirmed() === booked.length,
        6 * ACK_WAIT_MS,
        `all ${booked.length} bookings confirmed`,
      );
      // A relay that died between publishing and marking sends everything again, now to the
      // new leaders: the duplicate window, replicated, drops every copy.
      await p.sql`update outbox set published_at = null`;
      await eventually(
        async () => {
          const [r] = await p.sql<{ n: number }[]>`
          select count(*)::int as n from outbox where published_at is null`;
          return r.n === 0;
        },
        30_000,
        "the outbox sent again",
      );

      // The consumers went on: every one has acknowledged all there is. (No API check: that one
      // request may time out while the cluster still elects leaders; readLag is retried.)
      const jsm = await jetstreamManager(p.nc, { checkAPI: false });
      await eventually(
        async () => (await readLag(jsm)).consumers.every((c) => !c.pending && !c.ackPending),
        6 * ACK_WAIT_MS,
        "every consumer caught up",
      );
      const once = (types: string[]) =>
        new Map(booked.flatMap((id) => types.map((t): [string, number] => [`${t} ${id}`, 1])));
      assert.deepEqual(
        tally(await storedEvents(p.nc, "RESERVATIONS")),
        once(["reservation.created", "reservation.confirmed"]),
      );
      assert.deepEqual(
        tally(await storedEvents(p.nc, "PAYMENTS")),
        once(["payment.authorized", "payment.captured"]),
      );
      // Effects: one capture and one e-mail per booking, every booking in its user's history.
      const [effects] = await p.sql<{ captures: number; emails: number; history: number }[]>`
        select
          (select count(*)::int from payments.movements where kind = 'capture') as captures,
          (select count(*)::int from notifications.deliveries where channel = 'email') as emails,
          (select count(*)::int from history.user_reservations where status = 'confirmed')
            as history`;
      const n = booked.length;
      assert.deepEqual({ ...effects }, { captures: n, emails: n, history: n });
    } finally {
      await p.close();
      await cluster.stop();
    }
  },
);
