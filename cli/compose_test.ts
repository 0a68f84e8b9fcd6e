/**
 * Docker cannot run here, so `compose.yaml` and the `Dockerfile` are checked as files: what a
 * Docker user would find broken or drifting (an unpinned image, a service without a
 * healthcheck, a variable berth does not read, a NATS unlike the one `./berth up` runs).
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import { configSchema, loadConfig } from "../shared/config/mod.ts";
import type { NatsNodeSpec } from "./infra/mod.ts";
import { natsConfig, ROOT, TOOL_VERSIONS } from "./infra/mod.ts";

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string | number | boolean>;
  volumes?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition?: string }>;
}

const read = (path: string) => Deno.readTextFile(`${ROOT}/${path}`);
const services: Record<string, Service> = parse(await read("compose.yaml")).services;
const dockerfile = await read("Dockerfile");

/** The NATS of compose.yaml: `up`'s settings, listening on the container's every address. */
const COMPOSE_NATS: NatsNodeSpec = {
  name: "berth",
  host: "0.0.0.0",
  port: 4222,
  monitorPort: 8222,
  storeDir: "/data",
};

/** `name:tag[@sha256:…]` whose tag names a version (at least major.minor): no `latest`. */
const PINNED = /^[\w./-]+:[a-z-]*v?\d+\.\d+[\w.-]*(@sha256:[0-9a-f]{64})?$/;

/** A volume `source:target[:mode]` as its source and target. */
function mount(volume: string): { source: string; target: string } {
  const [source, target] = volume.split(":");
  return { source, target };
}

/** berth's environment as compose gives it, `${VAR:-default}` taken as its default. */
function berthEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(services.berth.environment ?? {}).map(([k, v]) => [
      k,
      String(v).replace(/\$\{\w+(?::?-([^}]*))?\}/g, (_, fallback) => fallback ?? ""),
    ]),
  );
}

Deno.test("compose: every image is pinned to a version, the Dockerfile's base too", () => {
  for (const [name, s] of Object.entries(services)) {
    assert.ok(s.build || s.image, `${name} has an image or a build`);
    if (s.image) assert.match(s.image, PINNED, `${name}'s image`);
  }
  const bases = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
  assert.ok(bases.length > 0, "the Dockerfile has a FROM");
  for (const base of bases) assert.match(base, PINNED, "the Dockerfile's base");
});

Deno.test("compose: the image's Deno is the launcher's DENO_VERSION", async () => {
  const launcher = /^DENO_VERSION=(\S+)$/m.exec(await read("berth"))?.[1];
  const image = /^FROM\s+denoland\/deno:(?:debian-)?([\d.]+)[@\s]/m.exec(dockerfile)?.[1];
  assert.ok(launcher, "./berth sets DENO_VERSION");
  assert.equal(image, launcher);
});

Deno.test("compose: every service has a healthcheck and waits for healthy dependencies", () => {
  for (const [name, s] of Object.entries(services)) {
    const test = s.healthcheck?.test ?? [];
    assert.ok(!s.healthcheck?.disable, `${name}'s healthcheck is not disabled`);
    assert.ok(["CMD", "CMD-SHELL"].includes(test[0]) && test.length > 1, `${name}'s healthcheck`);
    for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
      assert.ok(services[dep], `${name} depends on ${dep}, a service`);
      assert.equal(condition, "service_healthy", `${name} waits for ${dep} to be healthy`);
    }
  }
});

Deno.test("compose: berth's environment is berth's configuration, pointing at its services", () => {
  const env = berthEnv();
  const known = Object.keys(configSchema.shape);
  for (const key of Object.keys(env)) assert.ok(known.includes(key), `${key} is read by berth`);
  assert.doesNotThrow(() => loadConfig(env));
  for (const key of ["DATABASE_URL", "NATS_URL", "BERTH_SMTP_URL"]) {
    const host = new URL(env[key]).hostname;
    assert.ok(services[host], `${key} names the service ${host}`);
    assert.ok(services.berth.depends_on?.[host], `berth waits for ${host}`);
  }
});

Deno.test("compose: NATS runs the settings `up` gives its own nats-server", async () => {
  const nats = services.nats;
  const conf = (await read("ops/nats/nats.conf")).replace(/^(#.*\n)+/, "");
  assert.equal(conf, `${natsConfig(COMPOSE_NATS)}\n`, "ops/nats/nats.conf is natsConfig's");
  const [flag, path] = nats.command?.slice(-2) ?? [];
  assert.equal(flag, "--config");
  const mounts = (nats.volumes ?? []).map(mount);
  assert.ok(mounts.some((m) => m.source === "./ops/nats/nats.conf" && m.target === path));
  assert.ok(mounts.some((m) => m.target === COMPOSE_NATS.storeDir), "the store is a volume");
  assert.equal(new URL(berthEnv().NATS_URL).port, String(COMPOSE_NATS.port));
  const version = TOOL_VERSIONS["nats-server"].version.replace(/^v/, "");
  assert.match(nats.image ?? "", new RegExp(`^nats:${version.replaceAll(".", "\\.")}\\b`));
});

Deno.test("compose: what it mounts and builds is in the repository, without local state", async () => {
  for (const [name, s] of Object.entries(services)) {
    for (const { source } of (s.volumes ?? []).map(mount)) {
      if (!source.startsWith("./")) continue; // a named volume
      await Deno.stat(`${ROOT}/${source}`).catch(() => assert.fail(`${name} mounts ${source}`));
    }
    if (s.build) await Deno.stat(`${ROOT}/${s.build}/Dockerfile`);
  }
  const ignored = (await read(".dockerignore")).split("\n");
  for (const dir of [".data", ".tools"]) assert.ok(ignored.includes(dir), `${dir} stays out`);
});

Deno.test("compose: berth's event keys outlive its container", () => {
  const mounts = (services.berth.volumes ?? []).map(mount);
  const keys = mounts.find((m) => m.target === "/app/.data/keys");
  assert.ok(keys && !keys.source.startsWith("./"), "the keys are a named volume");
  assert.match(dockerfile, /^RUN mkdir -m 700 -p \.data\/keys$/m, "owned by the image's user");
  assert.match(dockerfile, /^WORKDIR \/app$/m);
});
