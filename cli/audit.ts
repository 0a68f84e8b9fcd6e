import { connectDb } from "../shared/db/mod.ts";
import { verifyAuditLog } from "../consumers/audit/mod.ts";

/** The usage line of `./berth audit`. */
export const auditUsage = "usage: ./berth audit verify";

/**
 * `./berth audit verify`: checks every link of the hash-chained audit log and reports the first
 * broken one (exit 1), or that the log is intact (exit 0).
 */
export async function auditCommand(
  args: string[],
  urls: { DATABASE_URL: string },
  out: (line: string) => void = console.log,
): Promise<number> {
  if (args[0] !== "verify") {
    out(auditUsage);
    return 2;
  }
  const sql = connectDb(urls.DATABASE_URL, { max: 1, appName: "berth-audit" });
  try {
    const r = await verifyAuditLog(sql);
    if (!r.broken) {
      out(`audit log intact: ${r.entries} entries in ${r.chains} chains`);
      return 0;
    }
    const b = r.broken;
    out(
      `audit log broken at entry ${b.id} (chain ${b.chain}, position ${b.position}, ` +
        `event ${b.eventId}): ${b.reason}`,
    );
    return 1;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
