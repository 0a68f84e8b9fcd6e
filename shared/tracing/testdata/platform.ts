/**
 * The platform as `./berth up` runs it, for tracing tests: `api/main.ts` and
 * `consumers/main.ts` as processes over a throwaway database and nats-server, guest e-mail to
 * an in-process SMTP server, and tracing turned on as `up` turns it on, sending OTLP/HTTP JSON
 * to `otlpEndpoint`.
 */
import { jetstreamManager } from "@nats-io/jetstream";
import { ADMIN_KEY, callerOf } from "../../../testing/app.ts";
import { testSmtpServer } from "../../../testing/smtp.ts";
import { provisionStreams } from "../../events/mod.ts";
import { connectNats } from "../../nats/mod.ts";
import { freePort, testDatabase, testNats, waitForPort } from "../../../testing/mod.ts";
import { tracingEnv } from "../mod.ts";

const entry = (path: string) => new URL(`../../../${path}`, import.meta.url).pathname;

/** Starts everything; `call` is an HTTP client of the api (admin key by default). */
export async function tracedPlatform(otlpEndpoint: string) {
  const db = await testDatabase();
  const server = await testNats();
  const nc = await connectNats(server.url, "tracing-test");
  await provisionStreams(await jetstreamManager(nc));
  await nc.close();
  const smtp = await testSmtpServer();
  const port = freePort();
  const env: Record<string, string> = {
    DATABASE_URL: db.url,
    NATS_URL: server.url,
    BERTH_HOST: "127.0.0.1",
    BERTH_PORT: String(port),
    BERTH_ADMIN_KEY: ADMIN_KEY,
    BERTH_SMTP_URL: smtp.url,
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
  };
  const spawn = (name: string, args: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", ...args],
      env: { ...env, ...tracingEnv(env, `berth-${name}`) },
      stdin: "null",
      stdout: "null",
    }).spawn();
  const children = [
    spawn("api", ["--unstable-net", entry("api/main.ts")]),
    spawn("workers", [entry("consumers/main.ts")]),
  ];
  const close = async () => {
    for (const c of children) {
      try {
        c.kill("SIGTERM");
      } catch { /* exited */ }
    }
    await Promise.all(children.map((c) => c.status));
    await smtp.close();
    await server.stop();
    await db.drop();
  };
  try {
    await waitForPort(port, 60_000);
  } catch (err) {
    await close();
    throw err;
  }

  /** Calls the api over HTTP as a client would; `key` defaults to the admin key. */
  const call = callerOf((path, init) => fetch(`http://127.0.0.1:${port}${path}`, init));

  return { call, smtp, close };
}
