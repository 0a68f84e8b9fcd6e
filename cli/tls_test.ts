import assert from "node:assert/strict";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { integration, testNatsCluster } from "../testing/mod.ts";
import { connectNats } from "../shared/nats/mod.ts";
import { provisionStreams, subjectOf } from "../shared/events/mod.ts";
import { Booker, startUp } from "./faults/mod.ts";
import { ensureCertificates } from "./infra/mod.ts";

/**
 * `./berth up` with BERTH_NATS_TLS=true: its NATS speaks TLS only, with a certificate of the
 * local CA it made, and the walk-through (a property, a room, a booking confirmed by the payment
 * saga) goes through, every process signed in as its role over TLS.
 */
integration("up with BERTH_NATS_TLS: the walk-through over TLS", async (t) => {
  const up = await startUp({ env: { BERTH_NATS_TLS: "true" } });
  try {
    await t.step("a booking is held, authorized and confirmed", async () => {
      assert.match(up.natsUrl, /^tls:\/\//);
      const booker = new Booker(up.url, up.adminKey);
      await booker.seed();
      await booker.confirmed(await booker.book());
    });

    await t.step("berth's CA is needed to talk to its NATS", async () => {
      const nc = await connectNats(up.natsUrl, "tls-test", { role: "cli", ...up.natsAccess });
      assert.equal(nc.info?.tls_required, true);
      await nc.close();
      // Without the CA the server's certificate is not trusted: no connection.
      await assert.rejects(
        connect({ servers: up.natsUrl.replace("tls://", ""), reconnect: false, tls: {} }),
      );
    });
  } finally {
    await up.stop();
  }
});

integration("a NATS cluster with TLS routes forms and replicates berth's streams", async () => {
  const dir = await Deno.makeTempDir({ prefix: "berth-tls-" });
  const tls = await ensureCertificates(dir);
  const cluster = await testNatsCluster(3, { tls });
  const nc = await connectNats(cluster.url, "tls-cluster-test", { ca: tls.ca });
  try {
    assert.match(cluster.url, /^tls:\/\/.*,tls:\/\/.*,tls:\/\//);
    const jsm = await jetstreamManager(nc);
    await provisionStreams(jsm, { replicas: 3, exact: true });
    await jetstream(nc).publish(subjectOf("reservation.created", "p1"), "{}");
    const info = await jsm.streams.info("RESERVATIONS");
    assert.equal(info.state.messages, 1);
    assert.equal(info.cluster?.replicas?.length, 2, "two replicas besides the leader");
  } finally {
    await nc.close();
    await cluster.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
