import type { Sql } from "../../shared/db/mod.ts";
import type { EventKeys } from "../../shared/events/mod.ts";
import { eventKeys, verifySignature } from "../../shared/events/mod.ts";
import { entryHash, GENESIS, sha256 } from "./chain.ts";

/** The first entry whose link does not hold, and why. */
export interface BrokenLink {
  id: number;
  chain: string;
  position: number;
  eventId: string;
  reason: string;
}

/** What verifying the audit log found. */
export interface VerifyReport {
  entries: number;
  chains: number;
  broken: BrokenLink | null;
}

interface Row {
  id: string;
  chain: string;
  position: number;
  event_id: string;
  event: string;
  event_hash: string;
  prev_hash: string;
  hash: string;
}

function check(row: Row, prev: { position: number; hash: string } | undefined) {
  if (sha256(row.event) !== row.event_hash) return "the event does not match its hash";
  if (row.position !== (prev?.position ?? 0) + 1) {
    return `expected position ${(prev?.position ?? 0) + 1}`;
  }
  if (row.prev_hash !== (prev?.hash ?? GENESIS)) {
    return "prev_hash is not the hash of the previous entry";
  }
  const hash = entryHash({
    chain: row.chain,
    position: row.position,
    prevHash: row.prev_hash,
    eventHash: row.event_hash,
  });
  return hash === row.hash ? null : "the entry does not match its hash";
}

/** Why the event an entry holds is not signed by an accepted key, or null when it is. */
async function checkSignature(row: Row, keys: EventKeys): Promise<string | null> {
  try {
    await verifySignature(JSON.parse(row.event), keys);
    return null;
  } catch (err) {
    return `the event's signature: ${(err as Error).message}`;
  }
}

/**
 * Walks the live audit log chain by chain, in position order, and checks every link: the event
 * against its hash, the entry against its hash, each entry against its predecessor in its
 * chain, and the event's signature against the accepted `keys` (the process's by default), so
 * an entry rewritten around a forged event, its chain recomputed, is found too. Stops at the
 * first broken link.
 */
export async function verifyAuditLog(
  sql: Sql,
  keys?: EventKeys,
  batch = 1000,
): Promise<VerifyReport> {
  const accepted = keys ?? await eventKeys();
  let prev: { chain: string; position: number; hash: string } | undefined;
  let entries = 0;
  let chains = 0;
  let after = { chain: "", position: 0 };
  while (true) {
    const rows = await sql<Row[]>`
      select id::text, chain, position, event_id, event, event_hash, prev_hash, hash
      from audit.audit_log where (chain, position) > (${after.chain}, ${after.position})
      order by chain, position limit ${batch}`;
    if (rows.length === 0) break;
    for (const row of rows) {
      entries++;
      if (prev?.chain !== row.chain) chains++;
      const reason = check(row, prev?.chain === row.chain ? prev : undefined) ??
        await checkSignature(row, accepted);
      if (reason) {
        const broken = {
          id: Number(row.id),
          chain: row.chain,
          position: row.position,
          eventId: row.event_id,
          reason,
        };
        return { entries, chains, broken };
      }
      prev = row;
    }
    const last = rows[rows.length - 1];
    after = { chain: last.chain, position: last.position };
  }
  return { entries, chains, broken: null };
}
