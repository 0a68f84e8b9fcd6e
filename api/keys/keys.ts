import { createHash } from "node:crypto";

/** The two roles: `admin` manages everything, `client` books and manages its own reservations. */
export type Role = "admin" | "client";

/** Who is calling: the API key's id and role. */
export interface Principal {
  keyId: string;
  role: Role;
}

/** Id of the bootstrap admin that BERTH_ADMIN_KEY stands for. */
export const BOOTSTRAP_ADMIN_ID = "bootstrap-admin";

/** SHA-256 of a key, hex; keys are only ever stored hashed. */
export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** A new random key: `bk_` and 32 bytes of base64url. */
export function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return "bk_" + btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}
