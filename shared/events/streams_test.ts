import assert from "node:assert/strict";
import { jetstreamManager } from "@nats-io/jetstream";
import { integration, testNats } from "../testing/mod.ts";
import { connectNats } from "../nats/nats.ts";
import { provisionStreams, streamDefinitions } from "./streams.ts";

integration(
  "streams: provisioning creates, is idempotent, and repairs a changed stream",
  async () => {
    const server = await testNats();
    const nc = await connectNats(server.url, "test");
    try {
      const jsm = await jetstreamManager(nc);
      const first = await provisionStreams(jsm);
      assert.deepEqual(first.created, streamDefinitions.map((s) => s.name));
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
