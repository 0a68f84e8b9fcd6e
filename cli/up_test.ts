import assert from "node:assert/strict";
import { integration } from "../testing/mod.ts";
import { Booker, startUp } from "./faults/mod.ts";

/**
 * `./berth up` keeps what it started running, its infrastructure included: the nats-server and
 * the Postgres postmaster, each killed with SIGKILL, are started again, and bookings made
 * afterwards are confirmed (relay, JetStream, the payment saga all work again).
 */
integration("up starts a killed nats-server and a killed Postgres again", async (t) => {
  const up = await startUp();
  try {
    const booker = new Booker(up.url, up.adminKey);
    await booker.seed();
    await booker.confirmed(await booker.book());

    for (const name of ["nats-server", "postgres"]) {
      await t.step(`${name}: SIGKILL, started again, bookings confirmed`, async () => {
        const killed = await up.kill(name);
        const now = await up.restarted(name, killed);
        assert.notEqual(now, killed);
        assert.match(up.output(), new RegExp(`berth: ${name} exited.*; starting it again`));
        await booker.confirmed(await booker.book(60_000));
      });
    }
  } finally {
    await up.stop();
  }
});
