import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "./config.ts";

const good = {
  DATABASE_URL: "postgres://berth@127.0.0.1:25432/berth",
  NATS_URL: "nats://127.0.0.1:4222",
};

Deno.test("config: defaults fill in what is not given", () => {
  const c = loadConfig(good);
  assert.equal(c.BERTH_PORT, 8080);
  assert.equal(c.BERTH_HOLD_MINUTES, 15);
  assert.equal(c.BERTH_IDEMPOTENCY_TTL_HOURS, 24);
});

Deno.test("config: a malformed DATABASE_URL is named in a one-line message", () => {
  assert.throws(
    () => loadConfig({ ...good, DATABASE_URL: "mysql://nope" }),
    (e: Error) =>
      e instanceof ConfigError && /^config: DATABASE_URL /.test(e.message) &&
      !e.message.includes("\n"),
  );
});

Deno.test("config: a missing NATS_URL is reported as required", () => {
  assert.throws(
    () => loadConfig({ DATABASE_URL: good.DATABASE_URL }),
    /config: NATS_URL is required/,
  );
});

Deno.test("config: numbers are checked", () => {
  assert.throws(() => loadConfig({ ...good, BERTH_PORT: "http" }), /config: BERTH_PORT/);
  assert.throws(
    () => loadConfig({ ...good, BERTH_HOLD_MINUTES: "0" }),
    /config: BERTH_HOLD_MINUTES/,
  );
});

Deno.test("config: BERTH_WEBHOOK_ALLOW_PRIVATE is off unless turned on", () => {
  assert.equal(loadConfig(good).BERTH_WEBHOOK_ALLOW_PRIVATE, false);
  assert.equal(
    loadConfig({ ...good, BERTH_WEBHOOK_ALLOW_PRIVATE: "true" }).BERTH_WEBHOOK_ALLOW_PRIVATE,
    true,
  );
  assert.equal(
    loadConfig({ ...good, BERTH_WEBHOOK_ALLOW_PRIVATE: "false" }).BERTH_WEBHOOK_ALLOW_PRIVATE,
    false,
  );
  assert.throws(
    () => loadConfig({ ...good, BERTH_WEBHOOK_ALLOW_PRIVATE: "sometimes" }),
    /config: BERTH_WEBHOOK_ALLOW_PRIVATE/,
  );
});

Deno.test("config: BERTH_MAX_QUANTITY stops at 1000, so every booking total stays below 2^53", () => {
  assert.equal(loadConfig({ ...good, BERTH_MAX_QUANTITY: "1000" }).BERTH_MAX_QUANTITY, 1000);
  assert.throws(
    () => loadConfig({ ...good, BERTH_MAX_QUANTITY: "1001" }),
    /config: BERTH_MAX_QUANTITY/,
  );
});

Deno.test("config: BERTH_NATS_REPLICAS is left to the cluster unless given, 1 to 5", () => {
  assert.equal(loadConfig(good).BERTH_NATS_REPLICAS, undefined);
  assert.equal(loadConfig({ ...good, BERTH_NATS_REPLICAS: "3" }).BERTH_NATS_REPLICAS, 3);
  for (const bad of ["0", "6", "three"]) {
    assert.throws(
      () => loadConfig({ ...good, BERTH_NATS_REPLICAS: bad }),
      /config: BERTH_NATS_REPLICAS/,
    );
  }
});

Deno.test("config: OTEL_EXPORTER_OTLP_ENDPOINT is optional, an http(s) URL when given", () => {
  assert.equal(loadConfig(good).OTEL_EXPORTER_OTLP_ENDPOINT, undefined);
  const endpoint = "http://127.0.0.1:4318";
  assert.equal(
    loadConfig({ ...good, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }).OTEL_EXPORTER_OTLP_ENDPOINT,
    endpoint,
  );
  for (const bad of ["127.0.0.1:4318", "grpc://collector:4317"]) {
    assert.throws(
      () => loadConfig({ ...good, OTEL_EXPORTER_OTLP_ENDPOINT: bad }),
      /config: OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\):\/\/ URL/,
    );
  }
});

Deno.test("config: the api process stops at start-up with the variable's name", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../../api/main.ts", import.meta.url).pathname],
    env: { DATABASE_URL: "not a url", NATS_URL: good.NATS_URL },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  const err = new TextDecoder().decode(out.stderr).trim();
  assert.match(err, /^config: DATABASE_URL must be a postgres/);
  assert.equal(err.split("\n").length, 1);
});

Deno.test("config: event keys are <kid>:<base64>, named when they are not", () => {
  assert.throws(
    () => loadConfig({ ...good, BERTH_EVENT_SIGNING_KEY: "MC4CAQAwBQYDK2VwBCIEI" }),
    /config: BERTH_EVENT_SIGNING_KEY must be <kid>:<base64 PKCS#8 key>$/,
  );
  assert.throws(
    () => loadConfig({ ...good, BERTH_EVENT_PUBLIC_KEYS: "k1:AAAA,k2" }),
    /config: BERTH_EVENT_PUBLIC_KEYS must be <kid>:<base64 key>, comma separated$/,
  );
  assert.equal(
    loadConfig({ ...good, BERTH_EVENT_PUBLIC_KEYS: "k1:AAAA, k2:BBBB" }).BERTH_EVENT_PUBLIC_KEYS,
    "k1:AAAA, k2:BBBB",
  );
});

Deno.test("config: the api and workers do not start without a key to sign events with", async () => {
  for (const main of ["../../api/main.ts", "../../consumers/main.ts"]) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL(main, import.meta.url).pathname],
      env: { ...good, BERTH_EVENT_SIGNING_KEY: "", BERTH_EVENT_PUBLIC_KEYS: "" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 2, main);
    const err = new TextDecoder().decode(out.stderr).trim();
    assert.match(err, /^config: no event keys: set BERTH_EVENT_SIGNING_KEY/, main);
    assert.equal(err.split("\n").length, 1);
  }
});

Deno.test("config: DATABASE_URL's sslmode is one libpq knows", () => {
  assert.doesNotThrow(() =>
    loadConfig({ ...good, DATABASE_URL: `${good.DATABASE_URL}?sslmode=verify-full` })
  );
  assert.throws(
    () => loadConfig({ ...good, DATABASE_URL: `${good.DATABASE_URL}?sslmode=sometimes` }),
    /config: DATABASE_URL sslmode must be one of disable, allow/,
  );
});
