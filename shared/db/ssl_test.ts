import assert from "node:assert/strict";
import { pgTls, SslModeError } from "./ssl.ts";

const base = "postgres://berth@db.example:5432/berth";
const read = (path: string) => `CA from ${path}`;
const tls = (query: string) => pgTls(`${base}${query}`, read);

Deno.test("sslmode: none or disable is plain TCP", () => {
  assert.deepEqual(tls(""), { url: base, ssl: false });
  assert.deepEqual(tls("?sslmode=disable"), { url: base, ssl: false });
});

Deno.test("sslmode: allow and prefer try TLS, require insists, neither verifies", () => {
  assert.equal(tls("?sslmode=allow").ssl, "prefer");
  assert.equal(tls("?sslmode=prefer").ssl, "prefer");
  assert.equal(tls("?sslmode=require").ssl, "require");
});

Deno.test("sslmode: verify-ca checks the CA of sslrootcert, not the host name", () => {
  const { url, ssl } = tls("?sslmode=verify-ca&sslrootcert=/etc/ca.pem");
  assert.equal(url, base, "neither parameter reaches the server as a setting");
  assert.ok(typeof ssl === "object");
  assert.equal(ssl.ca, "CA from /etc/ca.pem");
  assert.equal(ssl.rejectUnauthorized, true);
  assert.equal(ssl.checkServerIdentity?.("other.host", {} as never), undefined);
});

Deno.test("sslmode: require with sslrootcert verifies the CA, as libpq does", () => {
  const { ssl } = tls("?sslmode=require&sslrootcert=/etc/ca.pem");
  assert.ok(typeof ssl === "object");
  assert.equal(ssl.ca, "CA from /etc/ca.pem");
  assert.equal(ssl.rejectUnauthorized, true);
});

Deno.test("sslmode: verify-full checks the CA and the host; the other parameters stay", () => {
  const { url, ssl } = tls("?sslmode=verify-full&sslrootcert=/etc/ca.pem&application_name=x");
  assert.equal(url, `${base}?application_name=x`);
  assert.deepEqual(ssl, {
    ca: "CA from /etc/ca.pem",
    rejectUnauthorized: true,
    host: "db.example",
  });
  const system = tls("?sslmode=verify-full&sslrootcert=system").ssl;
  assert.deepEqual(system, { rejectUnauthorized: true, host: "db.example" }, "the system's CAs");
});

Deno.test("sslmode: an unknown mode is refused", () => {
  assert.throws(() => tls("?sslmode=sometimes"), SslModeError);
});
