import assert from "node:assert/strict";
import { Gate } from "./gate.ts";
import { DatabaseUnavailable } from "./unavailable.ts";

class Refused extends Error {
  code = "ECONNREFUSED";
}

const unreachable = (err: unknown) => err instanceof Refused;
const gate = () => new Gate(2, unreachable, 5000);
const refused = () => Promise.reject(new Refused());
const answer = <T>(v: T) => () => Promise.resolve(v);

/** A query that settles when the test says so. */
function pending<T>() {
  const p = Promise.withResolvers<T>();
  p.promise.catch(() => {}); // settled before a trial sends it: not unhandled
  let started = false;
  return {
    query: () => (started = true, p.promise),
    get started() {
      return started;
    },
    ...p,
  };
}

Deno.test("gate: a new pool lets the queries beyond the trials go at the first answer", async () => {
  const g = gate();
  const trials = [pending<string>(), pending<string>()];
  const running = trials.map((t) => g.run(t.query));
  const third = pending<string>();
  const waiting = g.run(third.query);
  assert.equal(third.started, false, "it waits for a trial");
  trials[1].resolve("connected");
  assert.equal(await running[1], "connected");
  third.resolve("third");
  assert.equal(await waiting, "third");
  trials[0].resolve("first");
  assert.equal(await running[0], "first");
});

Deno.test("gate: while Postgres answers, every query goes through, errors too", async () => {
  const g = gate();
  await g.run(answer("connected"));
  const syntax = Object.assign(new Error("syntax"), { code: "42601" });
  await assert.rejects(g.run(() => Promise.reject(syntax)), /syntax/);
  const all = await Promise.all(Array.from({ length: 10 }, (_, i) => g.run(answer(i))));
  assert.deepEqual(all, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

Deno.test("gate: once unreachable, queries beyond the trials fail with the next failed trial", async () => {
  const g = gate();
  await assert.rejects(g.run(refused), Refused);
  const trials = [pending<string>(), pending<string>()];
  const running = trials.map((t) => g.run(t.query));
  const third = pending<string>();
  const waiting = g.run(third.query);
  trials[0].reject(new Refused());
  await assert.rejects(running[0], Refused);
  await assert.rejects(
    waiting,
    (err) => err instanceof DatabaseUnavailable && err.code === "DATABASE_UNREACHABLE",
  );
  assert.equal(third.started, false, "the waiting query was never sent");
  trials[1].reject(new Refused());
  await assert.rejects(running[1], Refused);
});

Deno.test("gate: the first answer lets the waiting queries go and opens the gate", async () => {
  const g = gate();
  await assert.rejects(g.run(refused), Refused);
  const trials = [pending<string>(), pending<string>()];
  const running = trials.map((t) => g.run(t.query));
  const waiting = g.run(answer("waited"));
  trials[0].resolve("back");
  assert.equal(await running[0], "back");
  assert.equal(await waiting, "waited");
  trials[1].resolve("also");
  assert.equal(await running[1], "also");
  assert.deepEqual(
    await Promise.all(Array.from({ length: 5 }, (_, i) => g.run(answer(i)))),
    [0, 1, 2, 3, 4],
  );
});
