/**
 * Event signing keys: Ed25519 through WebCrypto, one platform key pair with a key id (`kid`).
 * Every producing process (api, workers) signs with the private key it is given; every
 * consumer accepts the public keys it is given, by key id, so a key is rotated by adding the
 * new public key everywhere, switching the signers to the new private key, and dropping the old
 * public key once nothing signed with it needs to be read (the README's security section).
 *
 * - `BERTH_EVENT_SIGNING_KEY`: `<kid>:<base64 PKCS#8>`, the private key this process signs with
 *   (its public key is accepted too).
 * - `BERTH_EVENT_PUBLIC_KEYS`: `<kid>:<base64 raw 32 bytes>`, comma separated: further keys
 *   accepted (the next key before a rotation, the previous one after it).
 */

/** Key ids: letters, digits, `.`, `_` and `-`. */
export const kidPattern = /^[A-Za-z0-9._-]{1,64}$/;

/** Raised when a key in the environment cannot be read, or a signing key is missing. */
export class EventKeyError extends Error {
  override name = "EventKeyError";
}

const ED25519 = { name: "Ed25519" } as const;

function base64(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)));
}

function unbase64(text: string, what: string): Uint8Array<ArrayBuffer> {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    throw new EventKeyError(`${what}: not base64`);
  }
}

/** Splits `<kid>:<base64>`. */
function kidAndKey(entry: string, what: string): [string, string] {
  const i = entry.indexOf(":");
  const kid = entry.slice(0, i).trim();
  if (i < 0 || !kidPattern.test(kid)) {
    throw new EventKeyError(`${what}: expected <kid>:<base64 key> with kid matching ${kidPattern}`);
  }
  return [kid, entry.slice(i + 1).trim()];
}

/**
 * The keys of one process: the key it signs with (none in a process that only reads, such as
 * `./berth audit verify`) and the public keys it accepts, by key id. Verifications are
 * remembered (the last few thousand signatures with what they covered), since every service of
 * a workers process verifies the same event.
 */
export class EventKeys {
  readonly #verified = new Map<string, string>();

  constructor(
    readonly signer: { kid: string; key: CryptoKey } | null,
    readonly trusted: ReadonlyMap<string, CryptoKey>,
  ) {}

  /** Signs `content` with the signing key; its key id and base64 signature. */
  async sign(content: Uint8Array<ArrayBuffer>): Promise<{ kid: string; sig: string }> {
    if (!this.signer) {
      throw new EventKeyError(
        "BERTH_EVENT_SIGNING_KEY is not set: this process cannot sign events",
      );
    }
    const sig = await crypto.subtle.sign(ED25519, this.signer.key, content);
    return { kid: this.signer.kid, sig: base64(sig) };
  }

  /** True when `sig` is a signature of `content` by the accepted key `kid`. */
  async verify(kid: string, sig: string, content: Uint8Array<ArrayBuffer>): Promise<boolean> {
    const key = this.trusted.get(kid);
    if (!key) return false;
    const memo = `${kid}:${sig}`;
    const text = new TextDecoder().decode(content);
    if (this.#verified.get(memo) === text) return true;
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = unbase64(sig, "sig");
    } catch {
      return false;
    }
    if (!(await crypto.subtle.verify(ED25519, key, bytes, content))) return false;
    if (this.#verified.size >= 4096) this.#verified.delete(this.#verified.keys().next().value!);
    this.#verified.set(memo, text);
    return true;
  }
}

/** A new key pair: the private key as `BERTH_EVENT_SIGNING_KEY`, the public one as an entry. */
export async function generateEventKey(kid: string): Promise<{ signing: string; public: string }> {
  if (!kidPattern.test(kid)) throw new EventKeyError(`key id ${kid} must match ${kidPattern}`);
  const pair = await crypto.subtle.generateKey(ED25519, true, ["sign", "verify"]) as CryptoKeyPair;
  return {
    signing: `${kid}:${base64(await crypto.subtle.exportKey("pkcs8", pair.privateKey))}`,
    public: `${kid}:${base64(await crypto.subtle.exportKey("raw", pair.publicKey))}`,
  };
}

/** A key id for a key made now: `ev-<yyyymmdd>-<6 hex>`. */
export function newKid(now: Date): string {
  const day = now.toISOString().slice(0, 10).replaceAll("-", "");
  const hex = [...crypto.getRandomValues(new Uint8Array(3))]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  return `ev-${day}-${hex}`;
}

async function importSigner(entry: string) {
  const [kid, text] = kidAndKey(entry, "BERTH_EVENT_SIGNING_KEY");
  const pkcs8 = unbase64(text, "BERTH_EVENT_SIGNING_KEY");
  const key = await crypto.subtle.importKey("pkcs8", pkcs8, ED25519, true, ["sign"])
    .catch((err) => {
      throw new EventKeyError("BERTH_EVENT_SIGNING_KEY: not an Ed25519 PKCS#8 key", {
        cause: err,
      });
    });
  // Its public half, accepted like the others.
  const { x } = await crypto.subtle.exportKey("jwk", key);
  const pub = await crypto.subtle.importKey(
    "jwk",
    { kty: "OKP", crv: "Ed25519", x },
    ED25519,
    true,
    [
      "verify",
    ],
  );
  return { kid, key, pub };
}

async function importPublic(entry: string): Promise<[string, CryptoKey]> {
  const [kid, text] = kidAndKey(entry, "BERTH_EVENT_PUBLIC_KEYS");
  const raw = unbase64(text, `BERTH_EVENT_PUBLIC_KEYS ${kid}`);
  const key = await crypto.subtle.importKey("raw", raw, ED25519, true, ["verify"]).catch(
    (err) => {
      throw new EventKeyError(`BERTH_EVENT_PUBLIC_KEYS ${kid}: not a raw Ed25519 public key`, {
        cause: err,
      });
    },
  );
  return [kid, key];
}

/** Reads the keys from `BERTH_EVENT_SIGNING_KEY` and `BERTH_EVENT_PUBLIC_KEYS`. */
export async function eventKeysFrom(
  env: Record<string, string | undefined>,
): Promise<EventKeys> {
  const signing = env.BERTH_EVENT_SIGNING_KEY?.trim();
  const signer = signing ? await importSigner(signing) : null;
  const entries = (env.BERTH_EVENT_PUBLIC_KEYS ?? "").split(/[,\n]/).map((s) => s.trim())
    .filter(Boolean);
  const trusted = new Map(await Promise.all(entries.map(importPublic)));
  if (signer) trusted.set(signer.kid, signer.pub);
  if (trusted.size === 0) {
    throw new EventKeyError(
      "no event keys: set BERTH_EVENT_SIGNING_KEY (and BERTH_EVENT_PUBLIC_KEYS), see README.md",
    );
  }
  return new EventKeys(signer && { kid: signer.kid, key: signer.key }, trusted);
}

let installed: Promise<EventKeys> | null = null;

/**
 * The process's keys: read from the environment on first use, unless {@link useEventKeys} set
 * them. A process's entry point awaits it at start, so a bad key stops it there.
 */
export function eventKeys(): Promise<EventKeys> {
  return installed ??= eventKeysFrom(Deno.env.toObject());
}

/** Sets the process's keys (a key rotation test, a tool with keys of its own). */
export function useEventKeys(keys: EventKeys): void {
  installed = Promise.resolve(keys);
}

/**
 * For a producing process's entry point: its keys, able to sign, read at start-up; a missing or
 * bad key ends the process with one line naming the variable.
 */
export async function signingKeysOrExit(): Promise<EventKeys> {
  try {
    const keys = await eventKeys();
    if (!keys.signer) throw new EventKeyError("BERTH_EVENT_SIGNING_KEY is required");
    return keys;
  } catch (err) {
    if (!(err instanceof EventKeyError)) throw err;
    console.error(`config: ${err.message}`);
    Deno.exit(2);
  }
}
