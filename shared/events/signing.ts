/**
 * Signed events: every envelope is signed by the process that writes it to the outbox, with
 * the platform key of keys.ts, over its canonical form (canonical.ts); every reader checks the
 * signature before it trusts anything in it. An unsigned event, one signed by a key not
 * accepted, or one changed after signing (a replayed `payment.authorized` with another amount)
 * is refused with an {@link EventSignatureError}, whose message says which.
 */
import { signedContent } from "./canonical.ts";
import type { EventKeys } from "./keys.ts";
import { eventKeys } from "./keys.ts";
import type { Envelope } from "./envelope.ts";
import { MalformedEventError, parseJson, readEnvelope } from "./envelope.ts";

/** Raised for an event whose signature is missing, by a key not accepted, or does not match. */
export class EventSignatureError extends MalformedEventError {
  override name = "EventSignatureError";
}

/**
 * The envelope signed: `kid` and `sig` added, over the envelope as it will travel (its JSON
 * read back, so what is signed is exactly what a reader parses).
 */
export async function signEvent<E extends Envelope>(e: E, keys?: EventKeys): Promise<E> {
  const k = keys ?? await eventKeys();
  const { sig: _old, ...unsigned } = JSON.parse(JSON.stringify({ ...e, kid: k.signer?.kid }));
  const { kid, sig } = await k.sign(signedContent(unsigned));
  return { ...unsigned, kid, sig } as E;
}

/** The JSON text of the signed envelope: what the outbox stores and the relay publishes. */
export async function sealEvent(e: Envelope, keys?: EventKeys): Promise<string> {
  return JSON.stringify(await signEvent(e, keys));
}

/** Checks the signature of an envelope as parsed from JSON; throws EventSignatureError. */
export async function verifySignature(json: unknown, keys: EventKeys): Promise<void> {
  const env = (json ?? {}) as Record<string, unknown>;
  const what = `${env.type ?? "event"} ${env.id ?? ""}`.trim();
  if (typeof env.sig !== "string" || typeof env.kid !== "string") {
    throw new EventSignatureError(`${what} is not signed`);
  }
  if (!keys.trusted.has(env.kid)) {
    throw new EventSignatureError(`${what} is signed with key ${env.kid}, which is not accepted`);
  }
  const content = signedContent(env);
  if (!(await keys.verify(env.kid, env.sig, content))) {
    throw new EventSignatureError(
      `${what}: signature does not match (forged, or changed after signing)`,
    );
  }
}

/**
 * Reads an event a reader is to trust: its signature checked, then parsed as `parseEvent` does
 * (an older version upcast). Throws MalformedEventError, or EventSignatureError.
 */
export async function openEvent(raw: string | Uint8Array, keys?: EventKeys): Promise<Envelope> {
  const { text, json } = parseJson(raw);
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new MalformedEventError("event is not a JSON object");
  }
  await verifySignature(json, keys ?? await eventKeys());
  return readEnvelope(text, json);
}
