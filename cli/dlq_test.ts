import assert from "node:assert/strict";
import { integration } from "../testing/mod.ts";
import { makeEvent, subjectOf } from "../shared/events/mod.ts";
import { DlqHeaders, dlqSubject } from "../consumers/runtime/mod.ts";
import { headers } from "@nats-io/transport-node";
import { platform } from "../testing/platform.ts";
import { dlq } from "./dlq.ts";
import { uuidv7 } from "../shared/ids/mod.ts";

integration("berth dlq: ls, show and replay --all back to the original subject", async () => {
  const p = await platform();
  try {
    const e = makeEvent("reservation.expired", "p7", {
      reservationId: crypto.randomUUID(),
      confirmationNumber: "RSV-2026-000007",
      userId: "u7",
    }, { correlationId: "c7", now: new Date(), id: uuidv7() });
    const subject = subjectOf(e.type, e.propertyId);
    const h = headers();
    h.set(DlqHeaders.Subject, subject);
    h.set(DlqHeaders.Service, "audit");
    h.set(DlqHeaders.Error, "Error: boom");
    h.set(DlqHeaders.Attempts, "6");
    const { seq } = await p.js.publish(dlqSubject("audit", subject), JSON.stringify(e), {
      headers: h,
    });
    const run = async (...args: string[]) => {
      const lines: string[] = [];
      const code = await dlq(args, { NATS_URL: p.server.url }, (l) => lines.push(l));
      return { code, text: lines.join("\n") };
    };
    const ls = await run("ls");
    assert.equal(ls.code, 0);
    assert.match(
      ls.text,
      new RegExp(`^${seq}\\s+\\S+\\s+audit\\s+reservation\\.p7\\.expired`, "m"),
    );
    const show = await run("show", String(seq));
    assert.match(show.text, /error: {5}Error: boom/);
    assert.match(show.text, /"confirmationNumber": "RSV-2026-000007"/);
    assert.equal((await run("show", "999")).code, 1);
    assert.equal((await run("replay")).code, 2);
    const replay = await run("replay", "--all");
    assert.match(replay.text, /replayed \d+ to reservation\.p7\.expired/);
    // Stored as the stream stores every event: with its partition.
    const back = await p.jsm.streams.getMessage("RESERVATIONS", { last_by_subj: `${subject}.*` });
    assert.equal(back?.json<{ id: string }>().id, e.id);
    assert.equal((await run("ls")).text, "the DLQ is empty");
  } finally {
    await p.close();
  }
});
