import assert from "node:assert/strict";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection, nkeyAuthenticator, nkeys } from "@nats-io/transport-node";
import { connectAs, integration, testNats } from "../../shared/testing/mod.ts";
import { connectNats } from "../../shared/nats/nats.ts";
import { provisionStreams, subjectOf } from "../../shared/events/mod.ts";
import { consumerConfig, defaultTuning, partitionsOf } from "../../consumers/runtime/provision.ts";
import { consumerDefinitions } from "../../consumers/runtime/mod.ts";
import { consumingServices } from "../../consumers/roster.ts";
import { permissionsOf, roles } from "./natsauth.ts";

/** Publishes through JetStream and says whether the stream stored it. */
async function stored(nc: NatsConnection, subject: string): Promise<boolean> {
  return await jetstream(nc).publish(subject, "{}", { timeout: 2000 }).then(
    () => true,
    () => false,
  );
}

const service = (name: string) => consumingServices.find((s) => s.name === name)!;
const firstConsumer = (name: string) =>
  consumerDefinitions(service(name)).flatMap((d) => partitionsOf(d))[0];

integration(
  "NATS refuses what a role has no right to: payments forging or reading audit's",
  async (t) => {
    const server = await testNats();
    const harness = await connectNats(server.url, "harness");
    const jsm = await jetstreamManager(harness);
    await provisionStreams(jsm);
    const audit = firstConsumer("audit");
    await jsm.consumers.add(audit.stream, consumerConfig(audit, defaultTuning));
    const confirmed = subjectOf("reservation.confirmed", "p1");
    const payments = await connectAs(server.url, "payments");
    const relay = await connectAs(server.url, "relay");
    const api = await connectAs(server.url, "api");
    try {
      await t.step(
        "payments may not publish reservation.<p>.confirmed; the relay may",
        async () => {
          assert.equal(await stored(payments, confirmed), false);
          assert.equal((await jsm.streams.info("RESERVATIONS")).state.messages, 0);
          assert.equal(await stored(relay, confirmed), true);
        },
      );

      await t.step("payments may not read audit's consumer, nor look at it", async () => {
        const js = jetstream(payments);
        await assert.rejects(js.consumers.get(audit.stream, audit.name));
        const next = await js.consumers.get(audit.stream, audit.name).catch(() => null);
        assert.equal(next, null);
        // The message the relay stored is still undelivered: nobody read it through audit's.
        const info = await jsm.consumers.info(audit.stream, audit.name);
        assert.equal(info.delivered.stream_seq, 0);
      });

      await t.step(
        "payments reads its own consumer and dead-letters to its own DLQ subject",
        async () => {
          const own = firstConsumer("payments");
          await jetstreamManager(payments).then((m) =>
            m.consumers.add(own.stream, consumerConfig(own, defaultTuning))
          );
          const c = await jetstream(payments).consumers.get(own.stream, own.name);
          assert.equal((await c.info()).name, own.name);
          assert.equal(await stored(payments, `dlq.payments.${confirmed}`), true);
          assert.equal(await stored(payments, `dlq.audit.${confirmed}`), false);
        },
      );

      await t.step("the api publishes no event, and a stranger cannot connect at all", async () => {
        assert.equal(await stored(api, subjectOf("payment.authorized", "p1")), false);
        const keys = await Deno.makeTempDir();
        await Deno.writeTextFile(
          `${keys}/api.nk`,
          new TextDecoder().decode(nkeys.createUser().getSeed()),
        );
        const stranger = nkeys.createUser().getSeed();
        await assert.rejects(
          connect({
            servers: server.url,
            reconnect: false,
            authenticator: nkeyAuthenticator(stranger),
          }),
          /Authorization Violation/i,
        );
      });
    } finally {
      await Promise.all([payments, relay, api, harness].map((nc) => nc.close()));
      await server.stop();
    }
  },
);

Deno.test("NATS rights: only the relay and the operator's cli publish events", () => {
  const publishesEvents = roles().filter((r) =>
    permissionsOf(r).publish.some((s) => /^(reservation|payment)\./.test(s))
  );
  assert.deepEqual(publishesEvents.sort(), ["cli", "relay"]);
  for (const r of roles()) {
    assert.ok(
      permissionsOf(r).subscribe.every((s) => !s.startsWith("_INBOX.") || s === `_INBOX.${r}.>`),
      `${r} reads only its own inboxes`,
    );
  }
});
