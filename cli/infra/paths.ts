/** Where berth keeps its tools, data, logs and run files, all below the repository. */
export const ROOT = Deno.env.get("BERTH_ROOT") ??
  new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
export const TOOLS_BIN = `${ROOT}/.tools/bin`;
export const DATA = `${ROOT}/.data`;
export const LOGS = `${DATA}/logs`;
export const RUN = `${DATA}/run`;

/** Local ports, away from the machine's own Postgres (5432) and NATS (4222). */
export const PG_PORT = Number(Deno.env.get("BERTH_PG_PORT") ?? 55432);
export const NATS_PORT = Number(Deno.env.get("BERTH_NATS_PORT") ?? 54222);
export const NATS_MONITOR_PORT = Number(Deno.env.get("BERTH_NATS_MONITOR_PORT") ?? 58222);

/** The Deno binary the launcher found, so child processes use the same one. */
export const DENO = Deno.env.get("BERTH_DENO") ?? Deno.execPath();
