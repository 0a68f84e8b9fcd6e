import { down, up } from "./up.ts";
import { bench, BENCH_NAMES } from "./bench.ts";
import { test } from "./run_tests.ts";
import { chaos } from "./chaos.ts";
import {
  localNatsUrl,
  localPostgres,
  natsAccess,
  natsKeysDir,
  prepare,
  startInfra,
} from "./platform.ts";
import type { Tool } from "./infra/mod.ts";
import { authorizationConfig, ensureTool, ensureUsers } from "./infra/mod.ts";
import { status } from "./status.ts";
import { dlq } from "./dlq.ts";
import { auditCommand } from "./audit.ts";
import { projectionsCommand } from "./projections.ts";
import { keysCommand, localEventKeys } from "./keys.ts";
import { writeSchemas } from "../shared/events/mod.ts";

const usage = `berth: an event-driven booking platform

usage: ./berth <command>
  up [--log-level L]  start Postgres, NATS, the api, the relay and every consumer (Ctrl-C stops)
  down                stop everything \`up\` started
  test [deno test args]  run the whole test suite against throwaway databases and NATS servers
  env                 print DATABASE_URL, NATS_URL, BERTH_URL and berth's NATS keys and CA
  nats-auth           print the authorization block of berth's NATS users (their keys made in
                      BERTH_NATS_KEYS when missing), for the config of a NATS of your own
  status              streams, consumer lag, dead letters and the outbox backlog
  dlq ls | show <id> | replay <id>|--all
                      list, inspect and replay dead letters (replay: back to the original subject)
  audit verify        check the hash-chained audit log and every event's signature; reports
                      the first broken link
  schemas             write the JSON Schema of every event version to shared/events/schemas/
                      (refused for a version changed incompatibly: add a new version)
  keys rotate | public | new
                      sign events with a new key (earlier ones stay accepted); print the
                      accepted public keys; print a new key pair for another deployment
  projections rebuild analytics|history|audit
                      rebuild a projection from the streams (from its latest snapshot once
                      events have aged out of them), then swap it in
  projections snapshot analytics|history|audit
                      take a projection's snapshot now (the workers take one a day)
  chaos               the fault suite: kill -9, a Postgres crash, a paused worker and NATS down
                      under bookings, then every invariant checked (a platform of its own)
  migrate             apply database migrations
  tool <name> [args]  run a pinned tool (nats, k6, nats-server, promtool), installing it if needed
  bench [step...]     start berth as in production, measure the ceilings, idle CPU, the k6
                      scenarios, the pause and the sustained rate; write docs/benchmarks.md
                      (steps: ${BENCH_NAMES.join(", ")})`;

function envUrls() {
  const port = Deno.env.get("BERTH_PORT") ?? "8080";
  const host = Deno.env.get("BERTH_HOST") ?? "127.0.0.1";
  const { keys, ca } = natsAccess();
  return {
    DATABASE_URL: Deno.env.get("DATABASE_URL") ?? localPostgres.url(),
    NATS_URL: Deno.env.get("NATS_URL") ?? localNatsUrl(),
    BERTH_URL: Deno.env.get("BERTH_URL") ?? `http://${host}:${port}`,
    ...(keys ? { BERTH_NATS_KEYS: keys } : {}),
    ...(ca ? { BERTH_NATS_CA: ca } : {}),
  };
}

async function main(args: string[]): Promise<number> {
  const [cmd, ...rest] = args;
  if (["audit", "projections", "chaos"].includes(cmd)) {
    // They read events `up` signed (chaos: the `up` it starts, which inherits them): its keys,
    // unless the environment gives them.
    for (const [k, v] of Object.entries(await localEventKeys(Deno.env.toObject()))) {
      Deno.env.set(k, v);
    }
  }
  switch (cmd) {
    case "up": {
      const i = rest.indexOf("--log-level");
      return await up({ logLevel: i >= 0 ? rest[i + 1] : undefined });
    }
    case "down":
      return await down();
    case "bench":
      return await bench(rest);
    case "test":
      return await test(rest);
    case "env":
      for (const [k, v] of Object.entries(envUrls())) console.log(`export ${k}='${v}'`);
      return 0;
    case "nats-auth":
      console.log(authorizationConfig(await ensureUsers(natsKeysDir())).join("\n"));
      return 0;
    case "chaos":
      return await chaos();
    case "status":
      return await status(envUrls());
    case "dlq":
      return await dlq(rest, envUrls());
    case "audit":
      return await auditCommand(rest, envUrls());
    case "projections":
      return await projectionsCommand(rest, envUrls());
    case "keys":
      return await keysCommand(rest);
    case "schemas":
      return await writeSchemas();
    case "migrate": {
      const infra = await startInfra();
      try {
        await prepare(infra, console.log);
      } finally {
        await infra.stop();
      }
      return 0;
    }
    case "tool": {
      const [name, ...toolArgs] = rest;
      if (!["nats", "k6", "nats-server", "promtool"].includes(name)) {
        console.error("usage: ./berth tool nats|k6|nats-server|promtool [args]");
        return 2;
      }
      const bin = await ensureTool(name as Tool);
      const r = await new Deno.Command(bin, { args: toolArgs }).spawn().status;
      return r.code;
    }
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(usage);
      return cmd ? 0 : 2;
    default:
      console.error(`berth: unknown command ${cmd}\n\n${usage}`);
      return 2;
  }
}

try {
  Deno.exit(await main(Deno.args));
} catch (err) {
  console.error(`berth: ${(err as Error).message}`);
  Deno.exit(1);
}
