/**
 * Webhook signatures. A delivery carries `Berth-Signature: t=<unix seconds>,v1=<hex>` where the
 * hex is HMAC-SHA256, keyed with the endpoint's secret, of `<t>.<raw body>`. Receivers recompute
 * it over the bytes they received, compare in constant time, and reject a `t` older (or newer)
 * than their tolerance, so a captured delivery cannot be replayed later.
 */

/** The header that carries the signature. */
export const SIGNATURE_HEADER = "Berth-Signature";

/** How far a signature's timestamp may be from the receiver's clock by default (5 minutes). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const encoder = new TextEncoder();

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The `Berth-Signature` header value for `body` sent at `now`. */
export async function signPayload(secret: string, body: string, now: Date): Promise<string> {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${await hmacHex(secret, `${t}.${body}`)}`;
}

/** Why a signature was rejected. */
export type SignatureProblem = "malformed" | "stale" | "mismatch";

/** The outcome of {@link verifySignature}. */
export type SignatureCheck = { ok: true; timestamp: number } | {
  ok: false;
  problem: SignatureProblem;
};

function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Checks a `Berth-Signature` header against the raw body, as a receiver should: the timestamp
 * within `toleranceSeconds` of `now`, and one of the `v1` values equal to the expected MAC.
 */
export async function verifySignature(
  secret: string,
  header: string | null,
  body: string,
  opts: { now?: Date; toleranceSeconds?: number } = {},
): Promise<SignatureCheck> {
  const parts = (header ?? "").split(",").map((p) => p.trim().split("=", 2));
  const t = Number(parts.find(([k]) => k === "t")?.[1]);
  const macs = parts.filter(([k, v]) => k === "v1" && v).map(([, v]) => v);
  if (!Number.isSafeInteger(t) || macs.length === 0) return { ok: false, problem: "malformed" };
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - t) > (opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) {
    return { ok: false, problem: "stale" };
  }
  const expected = await hmacHex(secret, `${t}.${body}`);
  return macs.some((m) => timingSafeEqual(m, expected))
    ? { ok: true, timestamp: t }
    : { ok: false, problem: "mismatch" };
}
