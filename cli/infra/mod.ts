/** The infrastructure `up` and the tests run: Postgres, nats-server (users, TLS), tools, paths. */
export { ensureChromium } from "./chromium.ts";
export { alive, freePort, gone, mustRun, run, terminate, waitForPort } from "./exec.ts";
export { authorizationConfig, ensureUsers } from "./natsauth.ts";
export { clusterFormed, clusterNodes, natsConfig, NatsServer, natsUrlOf } from "./natsd.ts";
export type { NatsNodeSpec, TlsFiles } from "./natsd.ts";
export { DATA, DENO, LOGS, NATS_MONITOR_PORT, NATS_PORT, ROOT, RUN } from "./paths.ts";
export { LocalPostgres, postgresBinDir } from "./postgres.ts";
export { ensureCertificates, tlsFilesIn } from "./tls.ts";
export { ensureTool, TOOL_VERSIONS } from "./tools.ts";
export type { Tool } from "./tools.ts";
