import assert from "node:assert/strict";
import { eventually, integration } from "../../testing/mod.ts";
import {
  consumerMetrics,
  parseScrape,
  PlatformMetrics,
  Registry,
  valuesOf,
} from "../../shared/metrics/mod.ts";
import { makeEvent, PARTITIONS, sealEvent, subjectOf } from "../../shared/events/mod.ts";
import {
  consumerDefinitions,
  DeadLetterNotFound,
  defineService,
  getDeadLetter,
  listDeadLetters,
  partitionsOf,
  provisionConsumers,
  readLag,
  replayDeadLetter,
  runService,
} from "./mod.ts";
import { numberOf, publishBurst } from "./testdata/fixtures.ts";
import { platform } from "../../testing/platform.ts";
import { uuidv7 } from "../../shared/ids/mod.ts";

integration("consumers are derived from the catalogue and provisioned idempotently", async () => {
  const p = await platform();
  try {
    const svc = defineService({
      name: "payments",
      events: ["reservation.created", "reservation.cancelled", "payment.authorized"],
      handle: () => Promise.resolve(),
    });
    assert.deepEqual(consumerDefinitions(svc).map((d) => [d.name, d.filterSubjects]), [
      ["payments-reservations", ["reservation.*.created.*", "reservation.*.cancelled.*"]],
      ["payments-payments", ["payment.*.authorized.*"]],
    ]);
    const [first3] = partitionsOf(consumerDefinitions(svc)[0]).slice(3);
    assert.deepEqual([first3.name, first3.filterSubjects], [
      "payments-reservations-3",
      ["reservation.*.created.3", "reservation.*.cancelled.3"],
    ]);
    const first = await provisionConsumers(p.jsm, [svc]);
    assert.equal(first.created.length, 2 * PARTITIONS);
    const again = await Promise.all([1, 2].map(() => provisionConsumers(p.jsm, [svc])));
    assert.deepEqual(again.map((r) => [r.created, r.updated]), [[[], []], [[], []]]);
    const info = await p.jsm.consumers.info("RESERVATIONS", "payments-reservations-0");
    assert.equal(info.config.ack_policy, "explicit");
    assert.equal(info.config.priority_policy, "pinned_client");
    const wider = { ...svc, events: [...svc.events, "reservation.expired" as const] };
    assert.equal((await provisionConsumers(p.jsm, [wider])).updated.length, PARTITIONS);
    // An event type dropped from a stream: that stream's consumers go.
    const narrower = { ...svc, events: ["reservation.created" as const] };
    assert.equal((await provisionConsumers(p.jsm, [narrower])).deleted.length, PARTITIONS);
  } finally {
    await p.close();
  }
});

integration(
  "poison event: DLQ after five retries, partition moves on, replay applies it",
  async () => {
    const p = await platform();
    const stop = new AbortController();
    try {
      await p
        .sql`create table test_applied (n int, property_id text, at timestamptz default now())`;
      await p.sql`create table test_switch (broken boolean)`;
      await p.sql`insert into test_switch values (true)`;
      const retries = new Map<number, number>();
      const svc = defineService({
        name: "fragile",
        events: ["reservation.checked_in"],
        async handle(tx, event, ctx) {
          const n = numberOf(event.data.confirmationNumber);
          if (ctx.attempt > 1) retries.set(n, (retries.get(n) ?? 0) + 1);
          const [{ broken }] = await tx<{ broken: boolean }[]>`select broken from test_switch`;
          if (broken && n === 3) throw new Error("rate table missing for this date");
          await tx`insert into test_applied (n, property_id) values (${n}, ${event.propertyId})`;
        },
      });
      const registry = new Registry();
      const metrics = consumerMetrics(registry, [svc.name]);
      const running = runService({
        sql: p.sql,
        nc: p.nc,
        service: svc,
        signal: stop.signal,
        metrics,
      });
      // The DLQ gauge has the service's sample at 0 before its first dead letter.
      const platformMetrics = new PlatformMetrics(p.sql, p.nc);
      await eventually(
        async () => {
          const scrape = parseScrape(await platformMetrics.metrics());
          return scrape.samples.get('berth_dlq_messages{service="fragile"}') === 0;
        },
        5000,
        "the DLQ gauge at 0",
      );
      const started = Date.now();
      // Odd numbers on p1 (1, 3, 5, 7), even on p2 (2, 4, 6, 8).
      await publishBurst(p.nc, ["p1", "p2"], 8);
      // While the poison event is retried, its consumer has it unacknowledged.
      await eventually(
        async () => {
          const scrape = parseScrape(await platformMetrics.metrics());
          const ages = valuesOf(scrape, "berth_consumer_oldest_unacked_seconds", {
            service: "fragile",
          });
          return ages.some((age) => age > 0);
        },
        5000,
        "an unacknowledged event's age",
      );
      await eventually(async () => (await listDeadLetters(p.jsm)).length === 1, 10_000, "dlq");
      const elapsed = Date.now() - started;
      // Tried in its batch (which is then settled in halves around it), then five retries alone.
      assert.deepEqual([...retries], [[3, 5]], "five retries of the poison event, no other");
      assert.ok(elapsed >= 3100, `backoff 100+200+400+800+1600 ms, took ${elapsed}`);
      const applied = await eventually(
        async () => {
          const rows = await p.sql<{ n: number; property_id: string }[]>`
        select n, property_id from test_applied order by at, n`;
          return rows.length === 7 && rows;
        },
        5000,
        "the rest applied",
      );
      // p1 waited behind its poison event and then moved on in order; p2 never waited for it.
      assert.deepEqual(applied.filter((r) => r.property_id === "p1").map((r) => r.n), [1, 5, 7]);
      assert.deepEqual(applied.filter((r) => r.property_id === "p2").map((r) => r.n), [2, 4, 6, 8]);
      const [dl] = await listDeadLetters(p.jsm);
      assert.match(dl.subject, /^reservation\.p1\.checked_in\.\d$/, "the stored subject");
      assert.equal(dl.service, "fragile");
      assert.match(dl.consumer, /^fragile-reservations-\d$/, "the partition's consumer");
      assert.equal(dl.attempts, 6);
      assert.match(dl.error, /rate table missing/);
      assert.equal(JSON.parse(dl.payload).type, "reservation.checked_in");
      assert.deepEqual((await getDeadLetter(p.jsm, dl.id)).eventId, dl.eventId);
      const lag = await readLag(p.jsm);
      assert.deepEqual(lag.deadLetters, { fragile: 1 });
      const mine = lag.consumers.filter((x) => x.consumer.startsWith("fragile-reservations-"));
      assert.equal(mine.length, PARTITIONS);
      assert.ok(mine.every((c) => c.pending === 0 && c.ackPending === 0));
      const text = await platformMetrics.metrics();
      assert.match(text, /^berth_dlq_messages\{service="fragile"\} 1$/m);
      assert.match(
        text,
        /^berth_consumer_pending\{service="fragile",stream="RESERVATIONS",consumer="fragile-reservations-\d"\} 0$/m,
      );
      const counted = await registry.metrics();
      assert.match(counted, /^berth_consumer_retries_total\{service="fragile"\} 5$/m);
      for (const [outcome, n] of [["applied", 7], ["dead_lettered", 1]]) {
        const series = `berth_consumer_events_total{service="fragile",outcome="${outcome}"} ${n}`;
        assert.ok(counted.split("\n").includes(series), series);
      }

      // The cause is fixed; the replay applies the event once, and a second replay finds nothing.
      await p.sql`update test_switch set broken = false`;
      await replayDeadLetter(p.js, p.jsm, dl.id);
      await eventually(
        async () => {
          const [r] = await p.sql<{ n: number }[]>`select count(*)::int as n from test_applied
        where n = 3`;
          return r.n === 1;
        },
        5000,
        "replayed event applied",
      );
      assert.deepEqual(await listDeadLetters(p.jsm), []);
      await assert.rejects(replayDeadLetter(p.js, p.jsm, dl.id), DeadLetterNotFound);
      const [inbox] = await p
        .sql`select outcome from consumer_inbox where event_id = ${dl.eventId}`;
      assert.equal(inbox.outcome, "applied");
      stop.abort();
      await running;
    } finally {
      stop.abort();
      await p.close();
    }
  },
);

integration("a malformed message goes to the DLQ at once and the property moves on", async () => {
  const p = await platform();
  const stop = new AbortController();
  try {
    const seen: string[] = [];
    const svc = defineService({
      name: "strict",
      events: ["reservation.expired"],
      handle(_tx, event) {
        seen.push(event.data.confirmationNumber);
        return Promise.resolve();
      },
    });
    const running = runService({ sql: p.sql, nc: p.nc, service: svc, signal: stop.signal });
    const good = makeEvent("reservation.expired", "p9", {
      reservationId: crypto.randomUUID(),
      confirmationNumber: "RSV-2026-000042",
      userId: "u",
    }, { correlationId: "c", now: new Date(), id: uuidv7() });
    await p.js.publish("reservation.p9.expired", "{not json", { headers: undefined });
    await p.js.publish(subjectOf(good.type, good.propertyId), await sealEvent(good));
    await eventually(() => Promise.resolve(seen.length === 1), 5000, "good event applied");
    const [dl] = await listDeadLetters(p.jsm);
    assert.equal(dl.attempts, 0);
    assert.match(dl.error, /MalformedEventError: event is not JSON/);
    assert.equal(dl.payload, "{not json");
    stop.abort();
    await running;
  } finally {
    stop.abort();
    await p.close();
  }
});
