/**
 * `/docs` as a reader uses it, in a real headless Chromium: every operation is there with its
 * request, an example, its answers and its error codes; the menu takes you to an operation; the
 * page loads nothing but itself. The screenshots stay in `.data/screenshots/docs-*.png`.
 */
import assert from "node:assert/strict";
import { integration, testDatabase } from "../../testing/mod.ts";
import { withPage } from "../../testing/browser.ts";
import { testApp } from "../../testing/app.ts";

const SCREENSHOTS = new URL("../../.data/screenshots/", import.meta.url).pathname;

integration("docs page: every operation with its schemas, errors and an example", async () => {
  const db = await testDatabase();
  const { app } = testApp(db.sql);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
  const origin = `http://127.0.0.1:${server.addr.port}`;
  try {
    const doc = await (await app.request("/openapi.json")).json();
    await withPage(async (page) => {
      const elsewhere: string[] = [];
      const failures: string[] = [];
      page.on("request", (r) => {
        if (!r.url().startsWith(origin)) elsewhere.push(r.url());
      });
      page.on("console", (m) => m.type() === "error" && failures.push(m.text()));
      page.on("pageerror", (e) => failures.push(String(e)));
      await page.goto(`${origin}/docs`);
      assert.equal(await page.title(), "berth API reference");

      // Every operation has its card, reachable from the menu.
      for (const item of Object.values(doc.paths) as Record<string, { operationId: string }>[]) {
        for (const { operationId } of Object.values(item)) {
          assert.equal(await page.locator(`#op-${operationId}`).count(), 1, operationId);
          assert.equal(await page.locator(`nav a[href="#op-${operationId}"]`).count(), 1);
        }
      }

      // Booking: its body's fields, the curl example with its key, the answer, the errors.
      const book = page.locator("#op-createReservation");
      const text = (await book.textContent()) ?? "";
      for (
        const want of [
          "POST /v1/reservations",
          "guest.email",
          "items[].resourceId",
          "Idempotency-Key: booking-4711",
          "confirmationNumber",
          "sold_out",
          "idempotency_conflict",
          "validation_failed",
          "it may still be applied; retry with the same key",
        ]
      ) assert.ok(text.replace(/\s+/g, " ").includes(want), `createReservation shows ${want}`);
      await book.locator("details summary").first().click();
      const example = await book.locator("details pre").first().textContent();
      assert.equal(JSON.parse(example!).confirmationNumber, "RSV-2027-004211");

      // The menu takes the reader to an operation.
      await page.click('nav a[href="#op-deleteWebhook"]');
      assert.ok(page.url().endsWith("#op-deleteWebhook"));
      assert.ok(await page.locator("#op-deleteWebhook").isVisible());
      assert.match((await page.locator("#op-deleteWebhook").textContent()) ?? "", /204/);

      // The table of error codes names each code the document declares.
      const codes = await page.locator("#errors + table td:first-child").allTextContents();
      for (const code of ["not_ready", "rate_limited", "sold_out", "timeout"]) {
        assert.ok(codes.includes(code), `${code} in ${codes.join(", ")}`);
      }

      assert.equal(await page.locator("script").count(), 0, "no scripts");
      assert.deepEqual(elsewhere, [], "nothing loaded from elsewhere");
      assert.deepEqual(failures, []);
      await Deno.mkdir(SCREENSHOTS, { recursive: true });
      for (const [name, at] of [["top", ""], ["booking", "#op-createReservation"]]) {
        await page.goto(`${origin}/docs${at}`);
        await page.screenshot({ path: `${SCREENSHOTS}docs-${name}.png` });
      }
      await page.locator("#op-createReservation details summary").first().click();
      await page.locator("#op-createReservation .answer").screenshot({
        path: `${SCREENSHOTS}docs-booking-answer.png`,
      });
    });
  } finally {
    await server.shutdown();
    await db.drop();
  }
});
