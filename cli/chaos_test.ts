import assert from "node:assert/strict";
import { integration } from "../testing/mod.ts";
import { chaosOptions, formatChaos, runChaos } from "./chaos.ts";

integration(
  "fault suite: kill -9, a Postgres crash, a paused worker and NATS down lose and double nothing",
  async () => {
    const report = await runChaos(chaosOptions(), () => {});
    console.log(formatChaos(report));
    for (const c of report.checks) assert.ok(c.ok, `${c.name}: ${c.detail}`);
    for (const f of report.faults) assert.notEqual(f.recoveryMs, null, `${f.name}: no recovery`);
    assert.ok(report.settled, "the pipeline settled");
    assert.equal(report.faults.length, 6, "every fault ran");
  },
);
