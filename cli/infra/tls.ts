/**
 * A local certificate authority for the private NATS: `up` with BERTH_NATS_TLS=true makes one
 * (openssl, present on Debian) and a certificate for 127.0.0.1 and localhost signed by it,
 * which each server shows its clients and its cluster's other nodes. Clients trust the CA
 * (BERTH_NATS_CA); nothing else does.
 */
import { mustRun } from "./exec.ts";
import type { TlsFiles } from "./natsd.ts";

/** How long the server certificate lasts: what clients accept at most (825 days). */
const SERVER_DAYS = 825;

/** Where {@link ensureCertificates} keeps the CA and the server's certificate and key. */
export function tlsFilesIn(dir: string): TlsFiles {
  return { ca: `${dir}/ca.pem`, cert: `${dir}/server.pem`, key: `${dir}/server-key.pem` };
}

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

/**
 * The CA and server certificate in `dir`, made when missing (the CA's key never leaves `dir`).
 * Making them again (a new CA) is removing `dir` and starting `up` again.
 */
export async function ensureCertificates(dir: string): Promise<TlsFiles> {
  const files = tlsFilesIn(dir);
  const caKey = `${dir}/ca-key.pem`;
  if (await exists(files.ca) && await exists(files.cert) && await exists(files.key)) return files;
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  // Flags are written as one string each and split; paths stay whole (they may hold spaces).
  const openssl = (...parts: (string | { path: string })[]) =>
    mustRun("openssl", parts.flatMap((p) => typeof p === "string" ? p.split(" ") : [p.path]));
  const newKey = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  const csr = `${dir}/server.csr`;
  const ext = `${dir}/server.ext`;
  await openssl(
    `req -x509 ${newKey} -days 3650 -subj /CN=berth-local-CA -keyout`,
    { path: caKey },
    "-out",
    {
      path: files.ca,
    },
  );
  await openssl(`req ${newKey} -subj /CN=berth-nats -keyout`, { path: files.key }, "-out", {
    path: csr,
  });
  // Servers dial each other's routes, so the certificate is a client's as well as a server's.
  await Deno.writeTextFile(
    ext,
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n",
  );
  const serial = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16))
    .map((h) => h.padStart(2, "0")).join("");
  await openssl(
    `x509 -req -set_serial 0x${serial} -days ${SERVER_DAYS} -in`,
    { path: csr },
    "-CA",
    { path: files.ca },
    "-CAkey",
    { path: caKey },
    "-extfile",
    { path: ext },
    "-out",
    { path: files.cert },
  );
  await Promise.all([Deno.remove(csr), Deno.remove(ext)]);
  await Promise.all([caKey, files.key].map((f) => Deno.chmod(f, 0o600)));
  return files;
}
