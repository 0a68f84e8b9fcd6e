import assert from "node:assert/strict";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection, nkeyAuthenticator, nkeys } from "@nats-io/transport-node";
import { connectAs, integration, testNats } from "../../shared/testing/mod.ts";
import { connectNats } from "../../shared/nats/nats.ts";
import { provisionStreams, subjectOf } from "../../shared/events/mod.ts";
import {
  consumerConfig,
  defaultTuning,
  partitionsOf,
  PIN_GROUP,
} from "../../consumers/runtime/provision.ts";
import { consumerDefinitions } from "../../consumers/runtime/mod.ts";
import { consumingServices } from "../../consumers/roster.ts";
import { permissionsOf, roles } from "./natsauth.ts";

/** Publishes through JetStream: "stored", or why not. */
async function publish(nc: NatsConnection, subject: string): Promise<string> {
  return await jetstream(nc).publish(subject, "{}", { timeout: 2000 }).then(
    () => "stored",
    (err) => String(err?.cause?.message ?? err?.message),
  );
}

const REFUSED = /Permissions Violation/;
const service = (name: string) => consumingServices.find((s) => s.name === name)!;
/** The service's durable consumer on `stream`'s partition `k`. */
const consumerOf = (name: string, stream: string, k: number) =>
  consumerDefinitions(service(name)).flatMap((d) => partitionsOf(d))
    .find((c) => c.stream === stream && c.partition === k)!;

integration(
  "NATS refuses what a role has no right to: payments forging or reading audit's",
  async (t) => {
    const server = await testNats();
    const harness = await connectNats(server.url, "harness");
    const jsm = await jetstreamManager(harness);
    await provisionStreams(jsm);
    const confirmed = subjectOf("reservation.confirmed", "p1");
    const payments = await connectAs(server.url, "payments");
    const relay = await connectAs(server.url, "relay");
    const api = await connectAs(server.url, "api");
    try {
      await t.step(
        "payments may not publish reservation.<p>.confirmed; the relay may",
        async () => {
          assert.match(await publish(payments, confirmed), REFUSED);
          assert.equal((await jsm.streams.info("RESERVATIONS")).state.messages, 0);
          assert.equal(await publish(relay, confirmed), "stored");
        },
      );
      // The partition the stream put the event in, and the consumers of it.
      const [stored] = Object.keys(
        (await jsm.streams.info("RESERVATIONS", { subjects_filter: ">" })).state.subjects ?? {},
      );
      const partition = Number(stored.split(".")[3]);
      const audit = consumerOf("audit", "RESERVATIONS", partition);
      const own = consumerOf("payments", "RESERVATIONS", partition);
      await jsm.consumers.add(audit.stream, consumerConfig(audit, defaultTuning));

      await t.step("payments may not read audit's consumer, nor look at it", async () => {
        await assert.rejects(jetstream(payments).consumers.get(audit.stream, audit.name), REFUSED);
        const pull = `$JS.API.CONSUMER.MSG.NEXT.${audit.stream}.${audit.name}`;
        await assert.rejects(
          payments.request(pull, JSON.stringify({ batch: 1, no_wait: true }), { timeout: 2000 }),
          REFUSED,
        );
      });

      await t.step(
        "payments reads its own consumer and dead-letters under its own name",
        async () => {
          const m = await jetstreamManager(payments);
          await m.consumers.add(own.stream, consumerConfig(own, defaultTuning));
          const c = await jetstream(payments).consumers.get(own.stream, own.name);
          const [msg] = await Array.fromAsync(
            await c.fetch({ max_messages: 1, group: PIN_GROUP, expires: 2000 }),
          );
          assert.equal(msg?.subject, stored);
          assert.ok(await msg.ackAck(), "its ack is taken");
          assert.equal(await publish(payments, `dlq.payments.${confirmed}`), "stored");
          assert.match(await publish(payments, `dlq.audit.${confirmed}`), REFUSED);
        },
      );

      await t.step("the api publishes no event, and a stranger cannot connect at all", async () => {
        assert.match(await publish(api, subjectOf("payment.authorized", "p1")), REFUSED);
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
