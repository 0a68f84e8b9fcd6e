/**
 * A client generated from `/openapi.json` compiles and works: openapi-typescript writes the
 * types into a temporary folder, `deno check` type-checks the walk-through of
 * `client/walkthrough.ts` (openapi-fetch) against them, and the walk runs against the api.
 */
import assert from "node:assert/strict";
import openapiTS, { astToString } from "openapi-typescript";
import { integration, testDatabase } from "../../testing/mod.ts";
import { localDate } from "../../shared/booking/mod.ts";
import { ADMIN_KEY, testApp } from "../../testing/app.ts";

const root = new URL("../../", import.meta.url);

integration(
  "client: a generated TypeScript client compiles and walks through a booking",
  async () => {
    const db = await testDatabase();
    const { app, clock } = testApp(db.sql);
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
    const dir = await Deno.makeTempDir({ prefix: "berth-client-" });
    try {
      const doc = await (await app.request("/openapi.json")).json();
      await Deno.writeTextFile(`${dir}/berth.d.ts`, astToString(await openapiTS(doc)));
      await Deno.copyFile(
        new URL("client/walkthrough.ts", import.meta.url),
        `${dir}/walkthrough.ts`,
      );

      const check = await new Deno.Command(Deno.execPath(), {
        args: [
          "check",
          "--quiet",
          "--config",
          new URL("deno.json", root).pathname,
          "walkthrough.ts",
        ],
        cwd: dir,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const said = new TextDecoder().decode(check.stderr);
      assert.ok(check.success, `the walk-through does not type-check:\n${said}`);

      const { walkThrough } = await import(`file://${dir}/walkthrough.ts`);
      const day = (n: number) =>
        localDate(new Date(clock.now().getTime() + n * 86_400_000), "Europe/Amsterdam");
      const walked = await walkThrough(
        `http://127.0.0.1:${server.addr.port}`,
        ADMIN_KEY,
        day(1),
        day(2),
      );
      assert.match(walked.confirmationNumber, /^RSV-\d{4}-\d{6}$/);
      assert.equal(walked.status, "pending");
      assert.equal(walked.total, 12000);
      assert.deepEqual(walked.freeSeats, ["A1", "A2", "A3", "A4"]);
      assert.ok(walked.cancelledAgain, "a cancel sent again is replayed");
    } finally {
      await server.shutdown();
      await Deno.remove(dir, { recursive: true });
      await db.drop();
    }
  },
);
