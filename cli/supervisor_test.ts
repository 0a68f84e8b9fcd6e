import assert from "node:assert/strict";
import { eventually } from "../testing/mod.ts";
import type { ChildSpec } from "./supervisor.ts";
import { MAX_RESTARTS_A_MINUTE, Supervisor } from "./supervisor.ts";

/** A child without a process: it "exits" when the test says so. */
function fakeChild(name: string) {
  const starts: { pid: number; exit: (code: number) => void; stopped: boolean }[] = [];
  const spec: ChildSpec = {
    name,
    start() {
      const exit = Promise.withResolvers<number | null>();
      const run = { pid: 1000 + starts.length, exit: exit.resolve, stopped: false };
      starts.push(run);
      return Promise.resolve({
        pid: run.pid,
        exited: exit.promise,
        stop: () => Promise.resolve(void (run.stopped = true, exit.resolve(0))),
      });
    },
  };
  return { spec, starts };
}

function supervisor() {
  const said: string[] = [];
  const gaveUp: string[] = [];
  const s = new Supervisor({
    onGiveUp: (name) => gaveUp.push(name),
    say: (m) => said.push(m),
    restartDelayMs: 1,
  });
  return { s, said, gaveUp };
}

Deno.test("supervisor: a child that exits is started again, and says so", async () => {
  const { s, said } = supervisor();
  const nats = fakeChild("nats-server");
  await s.add(nats.spec);
  assert.deepEqual(s.children, [{ name: "nats-server", pid: 1000 }]);
  nats.starts[0].exit(137);
  await eventually(() => Promise.resolve(nats.starts.length === 2), 2000, "started again");
  await eventually(() => Promise.resolve(s.children[0].pid === 1001), 2000, "its new pid");
  assert.deepEqual(said, ["berth: nats-server exited with 137; starting it again"]);
  await s.stop();
});

Deno.test("supervisor: a child that keeps exiting makes it give up", async () => {
  const { s, gaveUp } = supervisor();
  const workers = fakeChild("workers");
  await s.add(workers.spec);
  for (let i = 0; i <= MAX_RESTARTS_A_MINUTE; i++) {
    await eventually(() => Promise.resolve(workers.starts.length === i + 1), 2000, `start ${i}`);
    workers.starts[i].exit(1);
  }
  await eventually(() => Promise.resolve(gaveUp.length > 0), 2000, "given up");
  assert.deepEqual(gaveUp, ["workers"]);
  assert.equal(workers.starts.length, MAX_RESTARTS_A_MINUTE + 1);
});

Deno.test("supervisor: stop stops the children it picks, and none is started again", async () => {
  const { s } = supervisor();
  const api = fakeChild("api");
  const pg = fakeChild("postgres");
  await s.add(pg.spec);
  await s.add(api.spec);
  await s.stop((name) => name !== "postgres");
  assert.equal(api.starts[0].stopped, true);
  assert.equal(pg.starts[0].stopped, false);
  pg.starts[0].exit(1);
  await s.stop();
  assert.equal(pg.starts.length, 1, "not started again while stopping");
  assert.deepEqual(s.children, []);
});
