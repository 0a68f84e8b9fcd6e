import assert from "node:assert/strict";
import { canonicalJson, signedContent } from "./canonical.ts";
import { EventKeyError, eventKeysFrom, generateEventKey } from "./keys.ts";
import { makeEvent } from "./envelope.ts";
import { EventSignatureError, openEvent, sealEvent, signEvent } from "./signing.ts";
import { uuidv7 } from "../ids/mod.ts";

const authorized = () =>
  makeEvent("payment.authorized", "p1", {
    reservationId: "0190a0a0-0000-7000-8000-000000000000",
    paymentId: "pay_1",
    amount: 12000,
    currency: "EUR",
  }, { correlationId: "c1", now: new Date("2026-01-01T00:00:00Z"), id: uuidv7() });

async function keysOf(...kids: string[]) {
  const made = await Promise.all(kids.map(generateEventKey));
  return made;
}

Deno.test("canonical form: RFC 8785, members sorted at every depth, no whitespace", () => {
  assert.equal(
    canonicalJson({ b: [3, { z: 1, a: "é\n" }], a: null, "€": 1e21, c: 0.1, d: -0 }),
    '{"a":null,"b":[3,{"a":"é\\n","z":1}],"c":0.1,"d":0,"€":1e+21}',
  );
  // Sorted by UTF-16 code units: "\u{1F600}" (a surrogate pair, 0xD83D...) before "\uFB01".
  assert.equal(canonicalJson({ "\uFB01": 1, "\u{1F600}": 2 }), '{"\u{1F600}":2,"\uFB01":1}');
  // What the signature covers: not the signature itself, nor the trace context.
  const content = new TextDecoder().decode(signedContent({
    v: 1,
    sig: "x",
    traceparent: "00-a-b-01",
    tracestate: "k=v",
    kid: "k1",
  }));
  assert.equal(content, '{"kid":"k1","v":1}');
});

Deno.test("signed events: opened when signed by an accepted key, whatever the key order", async () => {
  const [k] = await keysOf("k1");
  const keys = await eventKeysFrom({ BERTH_EVENT_SIGNING_KEY: k.signing });
  const e = authorized();
  const signed = await signEvent(e, keys);
  assert.equal(signed.kid, "k1");
  assert.match(signed.sig!, /^[A-Za-z0-9+/]{86}==$/);
  const { sig, ...rest } = signed;
  const reordered = JSON.stringify(Object.fromEntries(Object.entries({ sig, ...rest }).reverse()));
  assert.deepEqual(await openEvent(reordered, keys), signed);
  // The trace context may be rewritten on the way.
  const traced = JSON.stringify({ ...signed, traceparent: "00-1-2-01" });
  assert.equal((await openEvent(traced, keys)).id, e.id);
});

Deno.test("signed events: unsigned, unknown key, altered or re-signed by another key are refused", async () => {
  const [k, other] = await keysOf("k1", "intruder");
  const keys = await eventKeysFrom({ BERTH_EVENT_SIGNING_KEY: k.signing });
  const intruder = await eventKeysFrom({ BERTH_EVENT_SIGNING_KEY: other.signing });
  const e = authorized();
  const refused = async (text: string, why: RegExp) =>
    await assert.rejects(openEvent(text, keys), (err: Error) => {
      assert.ok(err instanceof EventSignatureError, String(err));
      assert.match(err.message, why);
      return true;
    });
  await refused(JSON.stringify(e), /payment.authorized \S+ is not signed/);
  await refused(await sealEvent(e, intruder), /signed with key intruder, which is not accepted/);
  const signed = JSON.parse(await sealEvent(e, keys));
  await refused(
    JSON.stringify({ ...signed, data: { ...signed.data, amount: 1 } }),
    /signature does not match/,
  );
  // The intruder's signature under the accepted key id.
  const forged = JSON.parse(await sealEvent(e, intruder));
  await refused(JSON.stringify({ ...forged, kid: "k1" }), /signature does not match/);
  await refused(JSON.stringify({ ...signed, sig: "not base64!" }), /signature does not match/);
});

Deno.test("key rotation: the next key accepted first, then signing, the old one dropped last", async () => {
  const [old, next] = await keysOf("k-2026-01", "k-2026-07");
  const e = authorized();
  // 1. Every reader accepts the next key while the old one still signs.
  const before = await eventKeysFrom({
    BERTH_EVENT_SIGNING_KEY: old.signing,
    BERTH_EVENT_PUBLIC_KEYS: next.public,
  });
  const byOld = await sealEvent(e, before);
  // 2. Producers sign with the next key; the old one is still accepted.
  const during = await eventKeysFrom({
    BERTH_EVENT_SIGNING_KEY: next.signing,
    BERTH_EVENT_PUBLIC_KEYS: old.public,
  });
  const byNext = await sealEvent(e, during);
  for (const text of [byOld, byNext]) {
    assert.equal((await openEvent(text, before)).id, e.id);
    assert.equal((await openEvent(text, during)).id, e.id);
  }
  // 3. Once nothing signed with it is read any more, the old key is dropped.
  const after = await eventKeysFrom({ BERTH_EVENT_SIGNING_KEY: next.signing });
  assert.equal((await openEvent(byNext, after)).id, e.id);
  await assert.rejects(openEvent(byOld, after), /k-2026-01, which is not accepted/);
});

Deno.test("event keys: bad entries are named; a reader without a signing key cannot sign", async () => {
  await assert.rejects(eventKeysFrom({}), /no event keys/);
  await assert.rejects(
    eventKeysFrom({ BERTH_EVENT_SIGNING_KEY: "k1:AAAA" }),
    (err: Error) => err instanceof EventKeyError && /BERTH_EVENT_SIGNING_KEY/.test(err.message),
  );
  await assert.rejects(eventKeysFrom({ BERTH_EVENT_PUBLIC_KEYS: "no-colon" }), /<kid>:<base64/);
  const [k] = await keysOf("k1");
  const reader = await eventKeysFrom({ BERTH_EVENT_PUBLIC_KEYS: k.public });
  await assert.rejects(sealEvent(authorized(), reader), /BERTH_EVENT_SIGNING_KEY is not set/);
});
