/**
 * The fault suite's platform: `./berth up` of its own (cli/faults/up.ts: its own data folder and
 * ports, two api and two workers processes, a mail sink), and a connection to its database.
 */
import type { UpProcess } from "../faults/mod.ts";
import { startUp } from "../faults/mod.ts";
import type { Sql } from "../../shared/db/mod.ts";
import { connectDb } from "../../shared/db/mod.ts";

export interface ChaosPlatform extends UpProcess {
  sql: Sql;
}

export async function startChaosPlatform(): Promise<ChaosPlatform> {
  const up = await startUp({ api: 2, workers: 2, mail: true });
  const sql = connectDb(up.databaseUrl, { max: 4, appName: "berth-chaos" });
  return {
    ...up,
    sql,
    async stop() {
      await sql.end({ timeout: 2 }).catch(() => {});
      await up.stop();
    },
  };
}

/** Every process on the machine with its parent: a crash takes the postmaster's children too. */
export async function processes(): Promise<{ pid: number; ppid: number }[]> {
  const out = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const stat = await Deno.readTextFile(`/proc/${e.name}/stat`);
      out.push({
        pid: Number(e.name),
        ppid: Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]),
      });
    } catch { /* gone meanwhile */ }
  }
  return out;
}
