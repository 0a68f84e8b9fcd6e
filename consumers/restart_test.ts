import assert from "node:assert/strict";
import { jetstreamManager } from "@nats-io/jetstream";
import { connectDb } from "../shared/db/mod.ts";
import { connectNats } from "../shared/nats/mod.ts";
import { provisionStreams } from "../shared/events/mod.ts";
import { eventually, integration, testNats } from "../testing/mod.ts";
import { testCluster } from "../testing/cluster.ts";
import { sleep } from "../shared/time/mod.ts";
import { booking, seedCatalogue, testApp } from "../testing/app.ts";

const main = new URL("./main.ts", import.meta.url).pathname;

/**
 * A workers process (consumers/main.ts, as `up` runs it) confirms bookings while its Postgres
 * crashes (SIGKILL to the postmaster) and comes back: the process does not exit, and the
 * bookings made after the restart are confirmed by it.
 */
integration("a workers process rides out a Postgres crash and restart", async () => {
  const cluster = await testCluster();
  const nats = await testNats();
  const nc = await connectNats(nats.url, "test");
  await provisionStreams(await jetstreamManager(nc));
  const sql = connectDb(cluster.url, { max: 4 });
  const { call } = testApp(sql);
  const workers = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", main],
    env: {
      DATABASE_URL: cluster.url,
      NATS_URL: nats.url,
      BERTH_SMTP_URL: "smtp://127.0.0.1:9",
      LOG_LEVEL: "error",
    },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const reading = workers.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (t) => void (stderr = (stderr + t).slice(-4000)) }),
  );
  const ended: { status?: Deno.CommandStatus } = {};
  workers.status.then((s) => ended.status = s);
  try {
    const { propertyId, roomId } = await seedCatalogue(call, { rooms: 1000 });
    const attempt = () =>
      call(
        "POST",
        "/v1/reservations",
        booking(propertyId, [{ resourceId: roomId, from: "2030-06-01", to: "2030-06-03" }]),
        { "idempotency-key": crypto.randomUUID() },
      );
    const book = async () => {
      const r = await attempt();
      if (r.status !== 201) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
      return r.body.id as string;
    };
    const confirmed = (id: string) =>
      eventually(
        async () => {
          if (ended.status) return true; // asserted below
          const r = await call("GET", `/v1/reservations/${id}`);
          return r.body?.status === "confirmed";
        },
        60_000,
        `reservation ${id} confirmed`,
      );
    await confirmed((await book())!);

    // Bookings keep coming while the postmaster is killed and started again: each is taken or
    // a prompt 503 (not a 500, not a 504).
    let loading = true;
    const refusals = new Set<string>();
    const load = (async () => {
      while (loading) {
        const r = await attempt();
        if (r.status !== 201) refusals.add(`${r.status} ${r.body?.code}`);
        await sleep(20);
      }
    })();
    await sleep(500);
    await cluster.kill();
    await cluster.start();
    loading = false;
    await load;
    assert.deepEqual([...refusals].filter((r) => r !== "503 unavailable"), []);

    const after: string[] = [];
    for (let i = 0; i < 5; i++) after.push(await eventually(book, 30_000, "a booking accepted"));
    for (const id of after) await confirmed(id);
    assert.equal(ended.status, undefined, `the workers process exited:\n${stderr}`);
  } finally {
    if (!ended.status) workers.kill("SIGKILL");
    await workers.status;
    await reading.catch(() => {});
    await sql.end({ timeout: 1 });
    await nc.close();
    await nats.stop();
    await cluster.destroy();
  }
});
