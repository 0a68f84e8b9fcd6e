import assert from "node:assert/strict";
import { AckPolicy, jetstreamManager } from "@nats-io/jetstream";
import { eventually, integration, testNats, testNatsCluster } from "../../testing/mod.ts";
import { clusterReplicas, connectNats } from "../nats/mod.ts";
import { provisionStreams, streamDefinitions } from "./streams.ts";

const names = streamDefinitions.map((s) => s.name);

integration(
  "streams: provisioning creates, is idempotent, and repairs a changed stream",
  async () => {
    const server = await testNats();
    const nc = await connectNats(server.url, "test");
    try {
      const jsm = await jetstreamManager(nc);
      assert.equal(clusterReplicas(nc.info), 1, "a single server keeps one copy");
      const first = await provisionStreams(jsm);
      assert.deepEqual(first.created, names);
      const again = await Promise.all([provisionStreams(jsm), provisionStreams(jsm)]);
      assert.deepEqual(again.map((r) => [r.created, r.updated]), [[[], []], [[], []]]);
      const info = await jsm.streams.info("RESERVATIONS");
      await jsm.streams.update("RESERVATIONS", { ...info.config, description: "tampered" });
      assert.deepEqual((await provisionStreams(jsm)).updated, ["RESERVATIONS"]);
      assert.match((await jsm.streams.info("RESERVATIONS")).config.description ?? "", /^berth/);
    } finally {
      await nc.close();
      await server.stop();
    }
  },
);

integration(
  "streams: on a 3-node cluster every stream gets 3 replicas, one made with 1 is raised with " +
    "its consumers, and a smaller derived count never lowers them",
  async () => {
    const cluster = await testNatsCluster(3);
    const nc = await connectNats(cluster.url, "test");
    try {
      const jsm = await jetstreamManager(nc);
      const replicas = clusterReplicas(nc.info);
      assert.equal(replicas, 3);
      // Streams and a consumer as a berth before the cluster made them: one copy each.
      assert.deepEqual((await provisionStreams(jsm)).created, names);
      await jsm.consumers.add("RESERVATIONS", {
        durable_name: "history-reservations-0",
        ack_policy: AckPolicy.Explicit,
      });
      assert.deepEqual((await provisionStreams(jsm, { replicas, exact: false })).updated, names);
      for (const name of names) {
        assert.equal((await jsm.streams.info(name)).config.num_replicas, 3, name);
      }
      // The consumer follows its stream: a leader and two current followers.
      await eventually(
        async () => {
          const c = await jsm.consumers.info("RESERVATIONS", "history-reservations-0");
          return c.cluster?.replicas?.filter((r) => r.current).length === 2;
        },
        10_000,
        "the consumer on three servers",
      );
      // A node down while provisioning runs makes the cluster look smaller: nothing is lowered.
      const r = await provisionStreams(jsm, { replicas: 2, exact: false });
      assert.deepEqual(r.updated, []);
      // BERTH_NATS_REPLICAS lowers them.
      const exact = await provisionStreams(jsm, { replicas: 1, exact: true });
      assert.deepEqual(exact.updated, names);
      assert.equal((await jsm.streams.info("RATES")).config.num_replicas, 1);
    } finally {
      await nc.close();
      await cluster.stop();
    }
  },
);

integration("streams: events age out after 7 days, dead letters after 30", async () => {
  const server = await testNats();
  const nc = await connectNats(server.url, "test");
  try {
    const jsm = await jetstreamManager(nc);
    // A stream made before berth had a retention: provisioning gives it one.
    const { transform, ...old } = streamDefinitions[0];
    await jsm.streams.add({ name: old.name, subjects: old.subjects, subject_transform: transform });
    assert.deepEqual((await provisionStreams(jsm)).updated, [old.name]);
    const day = 86_400_000_000_000;
    for (const def of streamDefinitions) {
      const { config } = await jsm.streams.info(def.name);
      assert.equal(config.max_age, def.name === "DLQ" ? 30 * day : 7 * day, def.name);
    }
  } finally {
    await nc.close();
    await server.stop();
  }
});
