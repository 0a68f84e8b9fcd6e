import assert from "node:assert/strict";
import { connectDb } from "./db.ts";
import { ensureCertificates, integration } from "../../testing/mod.ts";
import { testCluster } from "../../testing/cluster.ts";

/** A CA and a server certificate the postgres user may read (its key its own, as it demands). */
async function serverCertificates() {
  const dir = `/var/tmp/berth-test-pg-tls-${crypto.randomUUID().slice(0, 8)}`;
  const tls = await ensureCertificates(dir);
  await Deno.chmod(dir, 0o755);
  if (Deno.uid() === 0) {
    const chown = new Deno.Command("chown", { args: ["postgres:postgres", tls.cert, tls.key] });
    assert.ok((await chown.output()).success);
  }
  return { ...tls, dir };
}

/**
 * Whether the connection a pool opens for DATABASE_URL `url` is encrypted. A TLS handshake that
 * does not finish within berth's 1 s connect timeout (a loaded machine) is tried again: what is
 * checked here is the encryption, not the speed.
 */
async function encrypted(url: string): Promise<boolean> {
  for (let attempt = 1;; attempt++) {
    const sql = connectDb(url, { max: 1 });
    try {
      const [row] = await sql<{ ssl: boolean }[]>`
        select ssl from pg_stat_ssl where pid = pg_backend_pid()`;
      return row.ssl;
    } catch (err) {
      if ((err as { code?: string }).code !== "CONNECT_TIMEOUT" || attempt === 5) throw err;
    } finally {
      await sql.end({ timeout: 1 });
    }
  }
}

integration(
  "Postgres with ssl=on: DATABASE_URL's sslmode decides, verified as libpq does",
  async (t) => {
    const tls = await serverCertificates();
    const strangerDir = await Deno.makeTempDir();
    const stranger = await ensureCertificates(strangerDir);
    const cluster = await testCluster({
      settings: { ssl: "on", ssl_cert_file: `'${tls.cert}'`, ssl_key_file: `'${tls.key}'` },
    });
    try {
      await t.step(
        "verify-full and verify-ca with its CA, and require, are encrypted",
        async () => {
          assert.equal(
            await encrypted(`${cluster.url}?sslmode=verify-full&sslrootcert=${tls.ca}`),
            true,
          );
          assert.equal(
            await encrypted(`${cluster.url}?sslmode=verify-ca&sslrootcert=${tls.ca}`),
            true,
          );
          assert.equal(await encrypted(`${cluster.url}?sslmode=require`), true);
        },
      );
      await t.step("disable, or no sslmode, is plain", async () => {
        assert.equal(await encrypted(`${cluster.url}?sslmode=disable`), false);
        assert.equal(await encrypted(cluster.url), false);
      });
      await t.step("a server whose certificate another CA signed is refused", async () => {
        await assert.rejects(
          encrypted(`${cluster.url}?sslmode=verify-ca&sslrootcert=${stranger.ca}`),
          /certificate/i,
        );
      });
    } finally {
      await cluster.destroy();
      await Deno.remove(tls.dir, { recursive: true });
      await Deno.remove(strangerDir, { recursive: true });
    }
  },
);
