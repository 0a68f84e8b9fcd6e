import assert from "node:assert/strict";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { nkeys } from "@nats-io/transport-node";
import { connectAs, integration, testNats } from "../../testing/mod.ts";
import { connectNats } from "../../shared/nats/mod.ts";
import { provisionStreams, subjectOf } from "../../shared/events/mod.ts";
import {
  consumerConfig,
  consumerDefinitions,
  defaultTuning,
  partitionsOf,
  PIN_GROUP,
} from "../../consumers/runtime/mod.ts";
import { consumingServices } from "../../consumers/roster.ts";
import { ensureUsers, permissionsOf, roles } from "./natsauth.ts";

/** Publishes through JetStream: "stored", or why not. */
async function publish(nc: NatsConnection, subject: string): Promise<string> {
  return await jetstream(nc).publish(subject, "{}", { timeout: 2000 }).then(
    () => "stored",
    (err) => String(err?.cause?.message ?? err?.message),
  );
}

const REFUSED = /Permissions Violation/;

/** A role's seed from the test keys. */
const seedOf = (role: string) =>
  new TextEncoder().encode(
    Deno.readTextFileSync(`${Deno.env.get("BERTH_NATS_KEYS")}/${role}.nk`).trim(),
  );

/**
 * Signs in to the server at `port` with `key` by hand (CONNECT with the nonce signed, then PING)
 * and returns what the server answers: `PONG`, or its `-ERR`.
 */
async function signIn(port: number, key: nkeys.KeyPair): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const lines = conn.readable.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const until = async (done: (t: string) => boolean) => {
    while (!done(text)) {
      const { value, done: end } = await lines.read();
      if (end) break;
      text += value;
    }
  };
  try {
    await until((t) => t.includes("\r\n"));
    const { nonce } = JSON.parse(text.slice(text.indexOf("{"), text.indexOf("\r\n")));
    text = "";
    const sig = nkeys.encode(key.sign(new TextEncoder().encode(nonce)));
    const connect = { verbose: false, pedantic: false, protocol: 1, nkey: key.getPublicKey(), sig };
    await conn.write(new TextEncoder().encode(`CONNECT ${JSON.stringify(connect)}\r\nPING\r\n`));
    await until((t) => t.includes("PONG") || t.includes("-ERR"));
    return text;
  } finally {
    lines.releaseLock();
    try {
      conn.close();
    } catch { /* closed by the server */ }
  }
}
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

      await t.step(
        "the api publishes no event; a key berth did not make cannot sign in",
        async () => {
          assert.match(await publish(api, subjectOf("payment.authorized", "p1")), REFUSED);
          const answer = await signIn(server.opts.port, nkeys.createUser());
          assert.match(answer, /-ERR 'Authorization Violation'/);
          assert.match(await signIn(server.opts.port, nkeys.fromSeed(seedOf("api"))), /PONG/);
        },
      );
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

Deno.test("NATS keys: one private seed per role, kept; a removed one is made anew", async () => {
  const keys = await Deno.makeTempDir();
  try {
    const first = await ensureUsers(keys);
    assert.deepEqual(first.map((u) => u.role), roles());
    for (const role of roles()) {
      const stat = await Deno.stat(`${keys}/${role}.nk`);
      assert.equal(stat.mode! & 0o777, 0o600, `${role}.nk is its owner's only`);
    }
    const again = await ensureUsers(keys);
    assert.deepEqual(again.map((u) => u.nkey), first.map((u) => u.nkey), "kept across starts");
    await Deno.remove(`${keys}/payments.nk`);
    const rotated = await ensureUsers(keys);
    const nkeyOf = (users: typeof first, role: string) => users.find((u) => u.role === role)!.nkey;
    assert.notEqual(nkeyOf(rotated, "payments"), nkeyOf(first, "payments"));
    assert.equal(nkeyOf(rotated, "relay"), nkeyOf(first, "relay"));
  } finally {
    await Deno.remove(keys, { recursive: true });
  }
});
