import assert from "node:assert/strict";
import { connectDb } from "../shared/db/mod.ts";
import { eventually, integration } from "../testing/mod.ts";
import { testCluster } from "../testing/cluster.ts";
import { booking, seedCatalogue, testApp } from "../testing/app.ts";

/** Well before the request deadline (BERTH_REQUEST_TIMEOUT_MS, 10 s): a functional bound. */
const PROMPTLY_MS = 5000;

/**
 * Postgres refusing connections (stopped) or not answering them (postmaster stopped with
 * SIGSTOP): every request that needs it is a prompt 503 `unavailable` with Retry-After, not a
 * 504 after the request deadline; when Postgres is back, bookings go on by themselves.
 */
integration(
  "api: Postgres down or frozen is a prompt 503 unavailable, then it recovers",
  async (t) => {
    const cluster = await testCluster();
    const pools = [connectDb(cluster.url, { max: 4 })];
    const { call } = testApp(pools[0]);
    try {
      const { propertyId, roomId } = await seedCatalogue(call, { rooms: 1000 });
      const book = (c: typeof call) =>
        c(
          "POST",
          "/v1/reservations",
          booking(propertyId, [{ resourceId: roomId, from: "2030-06-01", to: "2030-06-02" }]),
          { "idempotency-key": crypto.randomUUID() },
        );
      const booked = await book(call);
      assert.equal(booked.status, 201, JSON.stringify(booked.body));
      /** 20 bookings at once: each is a 503 unavailable with Retry-After, all of them promptly. */
      const unavailable = async (c: typeof call) => {
        const started = Date.now();
        const answers = await Promise.all(Array.from({ length: 20 }, () => book(c)));
        const ms = Date.now() - started;
        for (const r of answers) {
          assert.equal(r.status, 503, JSON.stringify(r.body));
          assert.equal(r.body.code, "unavailable");
          assert.equal(r.headers.get("retry-after"), "1");
        }
        assert.ok(ms < PROMPTLY_MS, `answered in ${ms} ms`);
      };
      const recovers = (c: typeof call) =>
        eventually(async () => (await book(c)).status === 201, 15_000, "a booking accepted");

      await t.step("stopped: refused connections", async () => {
        await cluster.stop();
        await unavailable(call);
        const read = await call("GET", `/v1/reservations/${booked.body.id}`);
        assert.equal(read.status, 503, JSON.stringify(read.body));
        assert.equal((await call("GET", "/ready")).status, 503);
        await cluster.start();
        await recovers(call);
      });

      await t.step("frozen: connections never answered (a new api process)", async () => {
        await cluster.freeze();
        pools.push(connectDb(cluster.url, { max: 4 }));
        const fresh = testApp(pools[1]).call;
        await unavailable(fresh);
        await cluster.thaw();
        await recovers(fresh);
      });
    } finally {
      await cluster.thaw();
      await Promise.all(pools.map((p) => p.end({ timeout: 1 })));
      await cluster.destroy();
    }
  },
);
