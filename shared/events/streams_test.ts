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
