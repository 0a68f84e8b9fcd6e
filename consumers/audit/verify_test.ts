import assert from "node:assert/strict";
import { integration, testDatabase } from "../../testing/mod.ts";
import { inTransaction } from "../../shared/db/mod.ts";
import {
  eventKeysFrom,
  generateEventKey,
  makeEvent,
  openEvent,
  sealEvent,
} from "../../shared/events/mod.ts";
import { auditCommand } from "../../cli/audit.ts";
import { applyAudit, entryHash, sha256, verifyAuditLog } from "./mod.ts";
import { uuidv7 } from "../../shared/ids/mod.ts";

integration("audit verify: checks every event's signature, not only the chain", async (t) => {
  const db = await testDatabase();
  const key = await generateEventKey("k1");
  const keys = await eventKeysFrom({ BERTH_EVENT_SIGNING_KEY: key.signing });
  try {
    // Three payments of one property: one chain, as the audit service appends them.
    const events = await Promise.all([1, 2, 3].map(async (n) =>
      await openEvent(
        await sealEvent(
          makeEvent("payment.authorized", "p1", {
            reservationId: crypto.randomUUID(),
            paymentId: `pay_${n}`,
            amount: 1000 * n,
            currency: "EUR",
          }, { correlationId: `c${n}`, now: new Date(), id: uuidv7() }),
          keys,
        ),
        keys,
      )
    ));
    await inTransaction(db.sql, async (tx) => {
      await tx`select set_config('search_path', 'audit, public', true)`;
      await applyAudit(tx, ...events);
    });

    await t.step("signed events, intact chain", async () => {
      assert.deepEqual(await verifyAuditLog(db.sql, keys), { entries: 3, chains: 1, broken: null });
    });

    await t.step("a forged amount with the chain recomputed around it is found", async () => {
      const rows = await db.sql<{ id: string; event: string; prev_hash: string }[]>`
        select id::text, event, prev_hash from audit.audit_log order by position`;
      const forged = JSON.parse(rows[1].event);
      forged.data.amount = 1;
      // Whoever rewrites the log recomputes every hash after the forged entry.
      let prev = rows[1].prev_hash;
      for (const [i, row] of rows.entries()) {
        if (i < 1) continue;
        const event = i === 1 ? JSON.stringify(forged) : row.event;
        const eventHash = sha256(event);
        const hash = entryHash({
          chain: "PAYMENTS/p1",
          position: i + 1,
          prevHash: prev,
          eventHash,
        });
        await db.sql`update audit.audit_log set event = ${event}, event_hash = ${eventHash},
          prev_hash = ${prev}, hash = ${hash} where id = ${row.id}::bigint`;
        prev = hash;
      }
      const r = await verifyAuditLog(db.sql, keys);
      assert.equal(r.broken?.id, Number(rows[1].id));
      assert.match(r.broken!.reason, /the event's signature: .*signature does not match/);
    });

    await t.step("./berth audit verify checks them with the keys it is given", async () => {
      await db.sql`delete from audit.audit_log`;
      await inTransaction(db.sql, async (tx) => {
        await tx`select set_config('search_path', 'audit, public', true)`;
        await applyAudit(tx, ...events);
      });
      const out: string[] = [];
      // This process's keys (the test run's) did not sign these events.
      assert.equal(await auditCommand(["verify"], { DATABASE_URL: db.url }, (l) => out.push(l)), 1);
      assert.match(out[0], /position 1, .*signed with key k1, which is not accepted/);
      const reader = await eventKeysFrom({ BERTH_EVENT_PUBLIC_KEYS: key.public });
      assert.equal((await verifyAuditLog(db.sql, reader)).broken, null);
    });
  } finally {
    await db.drop();
  }
});
