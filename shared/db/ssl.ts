/**
 * `sslmode` and `sslrootcert` of a DATABASE_URL, as libpq reads them, turned into postgres.js's
 * `ssl` option (which knows only some modes, and would send `sslrootcert` to the server as a
 * setting). See https://www.postgresql.org/docs/current/libpq-ssl.html.
 */
import type { ConnectionOptions } from "node:tls";

/** The modes libpq knows. */
export const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];

/** What postgres.js is given: the URL without the TLS parameters, and its `ssl` option. */
export interface PgTls {
  url: string;
  ssl: false | "prefer" | "require" | ConnectionOptions;
}

/** Raised for an `sslmode` libpq does not know. */
export class SslModeError extends Error {
  override name = "SslModeError";
}

/**
 * The TLS settings of a Postgres URL. `disable` (the default without `sslmode`): plain TCP;
 * `allow`/`prefer`: TLS when the server offers it, unverified; `require`: TLS, unverified, or
 * verified against `sslrootcert` when one is given (as libpq does); `verify-ca`: the server's
 * certificate must be signed by `sslrootcert` (else the system's CAs); `verify-full`: that, and
 * it must name the host. `readFile` reads the CA file (a parameter for tests).
 */
export function pgTls(
  url: string,
  readFile: (path: string) => string = Deno.readTextFileSync,
): PgTls {
  const u = new URL(url);
  const mode = u.searchParams.get("sslmode") ?? "disable";
  const rootCert = u.searchParams.get("sslrootcert");
  u.searchParams.delete("sslmode");
  u.searchParams.delete("sslrootcert");
  if (!SSL_MODES.includes(mode)) {
    throw new SslModeError(`sslmode must be one of ${SSL_MODES.join(", ")}`);
  }
  const ca = rootCert && rootCert !== "system" ? { ca: readFile(rootCert) } : {};
  const clean = u.href;
  switch (mode) {
    case "disable":
      return { url: clean, ssl: false };
    case "allow":
    case "prefer":
      return { url: clean, ssl: "prefer" };
    case "require":
      if (!rootCert) return { url: clean, ssl: "require" };
    // falls through: with a root certificate, libpq verifies the CA as verify-ca does
    case "verify-ca":
      return {
        url: clean,
        ssl: { ...ca, rejectUnauthorized: true, checkServerIdentity: () => undefined },
      };
    default: // verify-full
      // postgres.js gives no server name for an IP address: the host is what is checked.
      return { url: clean, ssl: { ...ca, rejectUnauthorized: true, host: u.hostname } };
  }
}
