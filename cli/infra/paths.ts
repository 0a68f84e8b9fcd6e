/** Where berth keeps its tools, data, logs and run files, all below the repository. */
export const ROOT = Deno.env.get("BERTH_ROOT") ??
  new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
export const TOOLS_BIN = `${ROOT}/.tools/bin`;
/** Data, logs and run files; BERTH_DATA moves them (a second platform, a fault test). */
export const DATA = Deno.env.get("BERTH_DATA") ?? `${ROOT}/.data`;
export const LOGS = `${DATA}/logs`;
export const RUN = `${DATA}/run`;

/**
 * Local ports, away from the machine's own Postgres (5432) and NATS (4222), and below Linux's
 * ephemeral range (32768-60999), where a client connection in TIME-WAIT can hold a port.
 */
export const PG_PORT = Number(Deno.env.get("BERTH_PG_PORT") ?? 25432);
export const NATS_PORT = Number(Deno.env.get("BERTH_NATS_PORT") ?? 24222);
export const NATS_MONITOR_PORT = Number(Deno.env.get("BERTH_NATS_MONITOR_PORT") ?? 28222);

/** The Deno binary the launcher found, so child processes use the same one. */
export const DENO = Deno.env.get("BERTH_DENO") ?? Deno.execPath();
