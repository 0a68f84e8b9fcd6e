import assert from "node:assert/strict";
import { PaymentSimulator, SimulatorRejection } from "./simulator.ts";
import { GuardedProvider } from "./provider.ts";
import { authorizeWithTries } from "./service.ts";
import { ProviderTimeoutError } from "./breaker.ts";

const req = (token: string, key = "r1") => ({ key, token, amount: 5000, currency: "EUR" });

Deno.test("simulator: deterministic by token, idempotent by key", async () => {
  const sim = new PaymentSimulator();
  const signal = new AbortController().signal;
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
  assert.deepEqual(sim.payments.get("pay_r1"), {
    paymentId: "pay_r1",
    currency: "EUR",
    authorized: 5000,
    captured: 5000,
    refunded: 2000,
    voided: 0,
  });
});

Deno.test("tok_slow: no answer; after the tries the payment fails as a timeout", async () => {
  const sim = new PaymentSimulator();
  const provider = new GuardedProvider(sim, { timeoutMs: 30, failureThreshold: 4 });
  await assert.rejects(provider.authorize(req("tok_slow_1")), ProviderTimeoutError);
  const result = await authorizeWithTries(provider, req("tok_slow_1"), 3, 5);
  assert.deepEqual(result, { ok: false, reason: "provider_timeout" });
  assert.equal(provider.breaker.state, "open"); // 4 timeouts in a row open it
  // While open, even a good card gets no call through: it fails as provider_unavailable.
  const blocked = await authorizeWithTries(provider, req("tok_ok_2", "r2"), 2, 5);
  assert.deepEqual(blocked, { ok: false, reason: "provider_unavailable" });
  assert.equal(sim.calls.filter((c) => c === "authorize r2").length, 0);
});

Deno.test("a rejected move is an answer: it does not open the breaker", async () => {
  const provider = new GuardedProvider(new PaymentSimulator(), {
    timeoutMs: 30,
    failureThreshold: 1,
  });
  await assert.rejects(provider.capture({ key: "k", paymentId: "pay_none", amount: 1 }));
  assert.equal(provider.breaker.state, "closed");
});
