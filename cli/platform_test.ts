import assert from "node:assert/strict";
import { localNatsNodes, localNatsUrl } from "./platform.ts";
import { NATS_MONITOR_PORT, NATS_PORT } from "./infra/mod.ts";

/** Runs `fn` with BERTH_NATS_CLUSTER set to `value`, then puts back what was there. */
function withCluster(value: string, fn: () => void): void {
  const before = Deno.env.get("BERTH_NATS_CLUSTER");
  Deno.env.set("BERTH_NATS_CLUSTER", value);
  try {
    fn();
  } finally {
    if (before === undefined) Deno.env.delete("BERTH_NATS_CLUSTER");
    else Deno.env.set("BERTH_NATS_CLUSTER", before);
  }
}

Deno.test("local NATS: one server by default, on the private ports", () => {
  withCluster("", () => {
    assert.equal(localNatsUrl(), `nats://127.0.0.1:${NATS_PORT}`);
    assert.equal(localNatsNodes()[0].cluster, undefined);
  });
});

Deno.test("local NATS: BERTH_NATS_CLUSTER=3 is three routed nodes on the private ports + k", () => {
  withCluster("3", () => {
    const nodes = localNatsNodes();
    assert.deepEqual(
      nodes.map((n) => [n.name, n.port, n.cluster?.port, n.monitorPort]),
      [0, 1, 2].map((k) => [`n${k + 1}`, NATS_PORT + k, NATS_PORT + 10 + k, NATS_MONITOR_PORT + k]),
    );
    for (const n of nodes) {
      assert.deepEqual(
        n.cluster?.routes,
        [0, 1, 2].map((k) => NATS_PORT + 10 + k),
      );
    }
    assert.equal(new Set(nodes.map((n) => n.storeDir)).size, 3, "a store each");
    assert.equal(localNatsUrl().split(",").length, 3);
  });
});

Deno.test("local NATS: a BERTH_NATS_CLUSTER that is no size stops with its name", () => {
  for (const bad of ["0", "6", "two"]) {
    withCluster(
      bad,
      () => assert.throws(() => localNatsNodes(), /config: BERTH_NATS_CLUSTER must be/),
    );
  }
});
