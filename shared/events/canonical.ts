/**
 * The canonical form an event's signature covers: the envelope as a JSON object without its
 * `sig` and without the trace context (`traceparent`, `tracestate`: observability, which the
 * relay also copies into headers and any hop may rewrite), serialised by RFC 8785 (JSON
 * Canonicalization Scheme): object members sorted by their names' UTF-16 code units, no
 * whitespace, strings and numbers exactly as ECMAScript's `JSON.stringify` writes them. The
 * signer and every verifier compute it from the JSON value, so key order and spacing in the
 * bytes on the wire never matter, and a field a verifier does not know is still covered.
 */

/** Envelope members the signature does not cover. */
const UNSIGNED_MEMBERS: readonly string[] = ["sig", "traceparent", "tracestate"];

/** RFC 8785 canonical JSON of a JSON value (as `JSON.parse` returns it). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new TypeError("canonical JSON has no NaN or Infinity");
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const members = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${members.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
}

/** The bytes an envelope's signature is made over: its canonical form without unsigned members. */
export function signedContent(envelope: Record<string, unknown>): Uint8Array<ArrayBuffer> {
  const covered = Object.fromEntries(
    Object.entries(envelope).filter(([k]) => !UNSIGNED_MEMBERS.includes(k)),
  );
  return new TextEncoder().encode(canonicalJson(covered));
}
