import assert from "node:assert/strict";
import { integration, testDatabase } from "../../testing/mod.ts";
import { changeStatus } from "../../shared/booking/mod.ts";
import { booking, seedCatalogue, testApp, TestClock } from "../../testing/app.ts";

const MORNING = Date.parse("2030-06-01T08:00:00Z");

integration("etag: two desk agents, and the second one's stale change is refused", async (t) => {
  const db = await testDatabase();
  const clock = new TestClock(MORNING);
  const { call } = testApp(db.sql, { clock });
  const { propertyId, roomId } = await seedCatalogue(call);
  const stay = (from: string, to: string) => ({ items: [{ resourceId: roomId, from, to }] });
  const book = async () => {
    const r = await call(
      "POST",
      "/v1/reservations",
      booking(propertyId, stay("2030-06-01", "2030-06-04").items),
      { "idempotency-key": crypto.randomUUID() },
    );
    assert.equal(r.status, 201);
    return r.body.id as string;
  };
  try {
    const id = await book();

    await t.step("a read carries the version as a strong ETag", async () => {
      const r = await call("GET", `/v1/reservations/${id}`);
      assert.equal(r.headers.get("etag"), '"0"');
      assert.equal(r.body.version, 0);
    });

    await t.step("agent one's change applies; agent two's, read before it, is 412", async () => {
      const first = await call("GET", `/v1/reservations/${id}`);
      const second = await call("GET", `/v1/reservations/${id}`);
      const one = await call("PATCH", `/v1/reservations/${id}`, stay("2030-06-01", "2030-06-03"), {
        "if-match": first.headers.get("etag")!,
      });
      assert.equal(one.status, 200, JSON.stringify(one.body));
      assert.equal(one.headers.get("etag"), '"1"');
      const two = await call("PATCH", `/v1/reservations/${id}`, stay("2030-06-01", "2030-06-02"), {
        "if-match": second.headers.get("etag")!,
      });
      assert.equal(two.status, 412);
      assert.equal(two.body.code, "precondition_failed");
      assert.equal(two.headers.get("content-type"), "application/problem+json");
      const now = await call("GET", `/v1/reservations/${id}`);
      assert.equal(now.body.items[0].to, "2030-06-03", "agent one's change stands");
      assert.equal(now.body.total, 2 * 12000);
    });

    await t.step("a tag that is no version, a weak one, an empty one: 412", async () => {
      for (const tag of ['"bogus"', 'W/"1"', '""', "1"]) {
        const r = await call("POST", `/v1/reservations/${id}/check-in`, undefined, {
          "if-match": tag,
        });
        assert.equal(r.status, 412, tag);
        assert.equal(r.body.code, "precondition_failed");
      }
    });

    await t.step("none is required; * and a list with the current one match", async () => {
      const r = await call("PATCH", `/v1/reservations/${id}`, stay("2030-06-02", "2030-06-03"));
      assert.equal(r.status, 200);
      const star = await call("PATCH", `/v1/reservations/${id}`, stay("2030-06-01", "2030-06-02"), {
        "if-match": "*",
      });
      assert.equal(star.status, 200);
      assert.equal(star.headers.get("etag"), '"3"');
      const list = await call("PATCH", `/v1/reservations/${id}`, stay("2030-06-02", "2030-06-03"), {
        "if-match": '"1", "3"',
      });
      assert.equal(list.status, 200);
    });

    await t.step("the payment's confirmation changes the ETag", async () => {
      const fresh = await book();
      const read = await call("GET", `/v1/reservations/${fresh}`);
      await changeStatus(db.sql, fresh, "confirm", { now: clock.now(), correlationId: "pay" });
      const after = await call("GET", `/v1/reservations/${fresh}`);
      assert.notEqual(after.headers.get("etag"), read.headers.get("etag"));
      const checkIn = await call("POST", `/v1/reservations/${fresh}/check-in`, undefined, {
        "if-match": read.headers.get("etag")!,
      });
      assert.equal(checkIn.status, 412);
      const cancel = await call("POST", `/v1/reservations/${fresh}/cancel`, undefined, {
        "if-match": read.headers.get("etag")!,
      });
      assert.equal(cancel.status, 412);
      assert.equal((await call("GET", `/v1/reservations/${fresh}`)).body.status, "confirmed");
      const ok = await call("POST", `/v1/reservations/${fresh}/check-in`, undefined, {
        "if-match": after.headers.get("etag")!,
      });
      assert.equal(ok.status, 200);
      const out = await call("POST", `/v1/reservations/${fresh}/check-out`, undefined, {
        "if-match": after.headers.get("etag")!,
      });
      assert.equal(out.status, 412, "check-in moved it on");
    });

    await t.step("a retry of an applied change with its key replays it, not 412", async () => {
      const fresh = await book();
      const headers = { "if-match": '"0"', "idempotency-key": `shorten-${fresh}` };
      const body = stay("2030-06-01", "2030-06-02");
      const first = await call("PATCH", `/v1/reservations/${fresh}`, body, headers);
      assert.equal(first.status, 200);
      const retry = await call("PATCH", `/v1/reservations/${fresh}`, body, headers);
      assert.equal(retry.status, 200);
      assert.equal(retry.headers.get("idempotent-replayed"), "true");
      assert.equal(retry.headers.get("etag"), '"1"');
      assert.deepEqual(retry.body, first.body);
    });

    await t.step("of two changes sent at once on one version, exactly one applies", async () => {
      const fresh = await book();
      const tag = (await call("GET", `/v1/reservations/${fresh}`)).headers.get("etag")!;
      const answers = await Promise.all([
        call("PATCH", `/v1/reservations/${fresh}`, stay("2030-06-01", "2030-06-02"), {
          "if-match": tag,
        }),
        call("POST", `/v1/reservations/${fresh}/cancel`, undefined, { "if-match": tag }),
      ]);
      assert.deepEqual(answers.map((a) => a.status).sort(), [200, 412]);
      const [{ n }] = await db.sql`
        select count(*)::int as n from reservation_history where reservation_id = ${fresh}`;
      assert.equal(n, 2, "the hold and one change");
    });
  } finally {
    await db.drop();
  }
});
