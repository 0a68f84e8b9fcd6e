import assert from "node:assert/strict";
import { integration, testDatabase } from "../../testing/mod.ts";
import { PaymentSimulator, SimulatorRejection } from "./simulator.ts";
import { GuardedProvider } from "./provider.ts";
import { authorizeWithTries } from "./service.ts";
import { ProviderTimeoutError } from "./breaker.ts";

const req = (token: string, key = "r1") => ({ key, token, amount: 5000, currency: "EUR" });

integration("payment simulator (its ledger in Postgres)", async (t) => {
  const db = await testDatabase();
  const signal = new AbortController().signal;
  try {
    await t.step("deterministic by token, idempotent by key", async () => {
      const sim = new PaymentSimulator(db.sql);
      const ok = await sim.authorize(req("tok_ok_1"), signal);
      assert.deepEqual(ok, { ok: true, paymentId: "pay_r1" });
      assert.deepEqual(await sim.authorize(req("tok_ok_1"), signal), ok);
      assert.deepEqual(await sim.authorize(req("tok_decline_x", "r2"), signal), {
        ok: false,
        reason: "card_declined",
      });
      assert.deepEqual(await sim.authorize(req("nope", "r3"), signal), {
        ok: false,
        reason: "invalid_token",
      });
      await sim.capture({ key: "c1", paymentId: "pay_r1", amount: 5000 });
      await sim.capture({ key: "c1", paymentId: "pay_r1", amount: 5000 }); // same key: once
      await sim.refund({ key: "f1", paymentId: "pay_r1", amount: 2000 });
      await assert.rejects(
        sim.refund({ key: "f2", paymentId: "pay_r1", amount: 4000 }),
        SimulatorRejection,
      );
      await assert.rejects(
        sim.capture({ key: "c9", paymentId: "pay_none", amount: 1 }),
        /no payment pay_none/,
      );
      assert.deepEqual(await sim.payment("pay_r1"), {
        paymentId: "pay_r1",
        currency: "EUR",
        authorized: 5000,
        captured: 5000,
        refunded: 2000,
        voided: 0,
      });
      assert.equal(await sim.payment("pay_none"), undefined);
    });

    await t.step("a restart: a new instance moves money of an earlier authorization", async () => {
      const before = new PaymentSimulator(db.sql);
      const ok = { ok: true, paymentId: "pay_booking7" };
      assert.deepEqual(await before.authorize(req("tok_ok_a", "booking-7"), signal), ok);
      await before.capture({ key: "e1:capture", paymentId: "pay_booking7", amount: 3000 });

      const after = new PaymentSimulator(db.sql); // the workers restarted
      // The same key keeps its first answer, whatever the token says now.
      assert.deepEqual(await after.authorize(req("tok_decline_b", "booking-7"), signal), ok);
      // Repeated by the new instance: the first capture does not move money twice.
      await after.capture({ key: "e1:capture", paymentId: "pay_booking7", amount: 3000 });
      await after.capture({ key: "e2:capture", paymentId: "pay_booking7", amount: 2000 });
      await after.refund({ key: "e3:refund", paymentId: "pay_booking7", amount: 4000 });
      await after.refund({ key: "e3:refund", paymentId: "pay_booking7", amount: 4000 });
      await new PaymentSimulator(db.sql).refund({
        key: "e3:refund",
        paymentId: "pay_booking7",
        amount: 4000,
      });
      await assert.rejects(
        after.refund({ key: "e4:refund", paymentId: "pay_booking7", amount: 1001 }),
        SimulatorRejection,
      );
      await after.void({ key: "e5:void", paymentId: "pay_booking7", amount: 500 });
      await after.void({ key: "e5:void", paymentId: "pay_booking7", amount: 500 });
      assert.deepEqual(await before.payment("pay_booking7"), {
        paymentId: "pay_booking7",
        currency: "EUR",
        authorized: 5000,
        captured: 5000,
        refunded: 4000,
        voided: 500,
      });
    });

    await t.step("the same key called at once from two instances moves money once", async () => {
      const a = new PaymentSimulator(db.sql);
      const b = new PaymentSimulator(db.sql);
      await a.authorize(req("tok_ok", "race"), signal);
      const capture = { key: "x:capture", paymentId: "pay_race", amount: 5000 };
      await Promise.all([a.capture(capture), b.capture(capture), a.capture(capture)]);
      const refund = { key: "x:refund", paymentId: "pay_race", amount: 5000 };
      await Promise.all([a.refund(refund), b.refund(refund)]);
      const p = (await a.payment("pay_race"))!;
      assert.deepEqual([p.captured, p.refunded], [5000, 5000]);
    });

    await t.step(
      "tok_slow: no answer; after the tries the payment fails as a timeout",
      async () => {
        const sim = new PaymentSimulator(db.sql);
        const provider = new GuardedProvider(sim, { timeoutMs: 100, failureThreshold: 4 });
        await assert.rejects(provider.authorize(req("tok_slow_1", "s1")), ProviderTimeoutError);
        const result = await authorizeWithTries(provider, req("tok_slow_1", "s1"), 3, 5);
        assert.deepEqual(result, { ok: false, reason: "provider_timeout" });
        assert.equal(provider.breaker.state, "open"); // 4 timeouts in a row open it
        // While open, even a good card gets no call through: it fails as provider_unavailable.
        const blocked = await authorizeWithTries(provider, req("tok_ok_2", "s2"), 2, 5);
        assert.deepEqual(blocked, { ok: false, reason: "provider_unavailable" });
        assert.equal(sim.calls.filter((c) => c === "authorize s2").length, 0);
      },
    );

    await t.step("a rejected move is an answer: it does not open the breaker", async () => {
      const provider = new GuardedProvider(new PaymentSimulator(db.sql), {
        timeoutMs: 1000,
        failureThreshold: 1,
      });
      await assert.rejects(provider.capture({ key: "k", paymentId: "pay_none", amount: 1 }));
      assert.equal(provider.breaker.state, "closed");
    });
  } finally {
    await db.drop();
  }
});
