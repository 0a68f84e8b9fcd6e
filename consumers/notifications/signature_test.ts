import assert from "node:assert/strict";
import { signPayload, verifySignature } from "./signature.ts";

const secret = "whsec_test";
const body = '{"id":"e1","type":"reservation.confirmed"}';
const at = new Date("2030-06-01T12:00:00Z");

Deno.test("signature: a signed body verifies at the same time and within tolerance", async () => {
  const header = await signPayload(secret, body, at);
  assert.match(header, /^t=1906545600,v1=[0-9a-f]{64}$/);
  assert.deepEqual(await verifySignature(secret, header, body, { now: at }), {
    ok: true,
    timestamp: 1906545600,
  });
  const later = new Date(at.getTime() + 299_000);
  assert.equal((await verifySignature(secret, header, body, { now: later })).ok, true);
});

Deno.test("signature: HMAC-SHA256 of `<t>.<body>` (known vector)", async () => {
  // printf '1000.body' | openssl dgst -sha256 -hmac key
  assert.equal(
    await signPayload("key", "body", new Date(1000_000)),
    "t=1000,v1=062f6ed108cb94155be54ddfb5d8e80ef70ed54fe9bbf747b5507a21aaf1d704",
  );
});

Deno.test("signature: an old timestamp is stale (replay), a changed body or secret mismatches", async () => {
  const header = await signPayload(secret, body, at);
  const late = new Date(at.getTime() + 301_000);
  assert.deepEqual(await verifySignature(secret, header, body, { now: late }), {
    ok: false,
    problem: "stale",
  });
  assert.deepEqual(await verifySignature(secret, header, body + " ", { now: at }), {
    ok: false,
    problem: "mismatch",
  });
  assert.deepEqual(await verifySignature("whsec_other", header, body, { now: at }), {
    ok: false,
    problem: "mismatch",
  });
});

Deno.test("signature: malformed headers are rejected", async () => {
  for (const h of [null, "", "v1=abc", "t=abc,v1=abc", "t=1906545600"]) {
    assert.deepEqual(await verifySignature(secret, h, body, { now: at }), {
      ok: false,
      problem: "malformed",
    });
  }
});
