import assert from "node:assert/strict";
import { eventKeysFrom, makeEvent, openEvent, sealEvent } from "../shared/events/mod.ts";
import { keysCommand, localEventKeys } from "./keys.ts";
import { uuidv7 } from "../shared/ids/mod.ts";

const event = () =>
  makeEvent("reservation.expired", "p1", {
    reservationId: crypto.randomUUID(),
    confirmationNumber: "RSV-2026-000001",
    userId: "u1",
  }, { correlationId: "c", now: new Date(), id: uuidv7() });

Deno.test("local keys: made once, kept private, rotated with the earlier ones still accepted", async () => {
  const dir = await Deno.makeTempDir({ prefix: "berth-keys-" });
  try {
    const now = new Date("2026-11-22T05:00:00Z");
    const first = await localEventKeys({}, dir, now);
    assert.match(first.BERTH_EVENT_SIGNING_KEY, /^ev-20261122-[0-9a-f]{6}:/);
    assert.equal((await Deno.stat(`${dir}/event-signing.key`)).mode! & 0o777, 0o600);
    assert.deepEqual(await localEventKeys({}, dir, now), first, "the same key next time");
    const before = await sealEvent(event(), await eventKeysFrom(first));

    const out: string[] = [];
    assert.equal(await keysCommand(["rotate"], (l) => out.push(l), dir, now), 0);
    assert.match(out[0], /1 earlier key\(s\) still accepted/);
    const rotated = await localEventKeys({}, dir, now);
    assert.notEqual(rotated.BERTH_EVENT_SIGNING_KEY, first.BERTH_EVENT_SIGNING_KEY);
    assert.equal(rotated.BERTH_EVENT_PUBLIC_KEYS.split(",").length, 2);
    const keys = await eventKeysFrom(rotated);
    const after = await sealEvent(event(), keys);
    assert.notEqual(JSON.parse(after).kid, JSON.parse(before).kid);
    for (const text of [before, after]) await openEvent(text, keys);

    // A signing key given by the environment wins, and nothing is written for it.
    assert.deepEqual(await localEventKeys({ BERTH_EVENT_SIGNING_KEY: "given:AAAA" }, dir), {});
    assert.equal(await keysCommand([], () => {}, dir), 2);

    // A pair for elsewhere: in the environment's format, and the folder is left as it was.
    const lines: string[] = [];
    assert.equal(await keysCommand(["new"], (l) => lines.push(l), dir, now), 0);
    const given = Object.fromEntries(lines.map((l) => l.split(/=(.*)/s).slice(0, 2)));
    await openEvent(
      await sealEvent(event(), await eventKeysFrom(given)),
      await eventKeysFrom({
        BERTH_EVENT_PUBLIC_KEYS: given.BERTH_EVENT_PUBLIC_KEYS,
      }),
    );
    assert.deepEqual(await localEventKeys({}, dir, now), rotated);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
