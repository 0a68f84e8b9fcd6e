/**
 * The ops page as an operator uses it: a platform started by `./berth up`, bookings made, the
 * page opened in Debian's headless Chromium with the admin key typed in; what it shows must
 * add up to the bookings. The screenshot stays in `.data/screenshots/ops.png`.
 */
import assert from "node:assert/strict";
import { eventually, integration } from "../testing/mod.ts";
import { withPage } from "../testing/browser.ts";
import { startUp } from "./faults/mod.ts";
import { apiClient } from "./client/mod.ts";

const SCREENSHOTS = new URL("../.data/screenshots/", import.meta.url).pathname;
const BOOKINGS = 6;

const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

integration(
  "ops page: shows the bookings made, their confirmations and the rooms taken",
  async () => {
    const up = await startUp({ api: 1, workers: 1 });
    try {
      const admin = apiClient(up.url, up.adminKey).must;
      const property = await admin("POST", "/v1/properties", {
        name: "Harbour View Hotel",
        timezone: "UTC",
        currency: "EUR",
      });
      const room = await admin("POST", `/v1/properties/${property.id}/resources`, {
        name: "Double room",
        kind: "room",
      });
      await admin("PUT", `/v1/properties/${property.id}/resources/${room.id}/inventory`, {
        from: day(1),
        to: day(8),
        total: 10,
        price: 12000,
      });
      const client = await admin("POST", "/v1/api-keys", { name: "front desk", role: "client" });
      // Tomorrow night: six of the ten rooms.
      for (let i = 0; i < BOOKINGS; i++) {
        await apiClient(up.url, client.key).must("POST", "/v1/reservations", {
          propertyId: property.id,
          userId: `guest-${i}`,
          guest: { name: `Guest ${i}`, email: `guest-${i}@example.test` },
          items: [{ resourceId: room.id, from: day(1), to: day(2), quantity: 1 }],
          payment: { token: "tok_ok" },
        }, { "idempotency-key": crypto.randomUUID() });
      }

      await withPage(async (page) => {
        await page.goto(`${up.url}/ops`);
        // What the page shows at `selector`, once it is `want` (the page polls every 2 s).
        const shows = (selector: string, want: string, timeoutMs = 10_000) =>
          eventually(
            async () => (await page.textContent(selector))?.includes(want),
            timeoutMs,
            `${selector} showing ${want}`,
          );
        const text = (selector: string) => page.textContent(selector).then((t) => t ?? "");
        // No key yet in this tab: the page asks for one, and a client key is not enough.
        await page.fill("input[name=key]", client.key);
        await page.click("button");
        await shows("#key-why", "not an admin key");
        await page.fill("input[name=key]", up.adminKey);
        await page.click("button");

        await shows("#bookings-total", `${BOOKINGS} since start`, 30_000);
        // Every booking is confirmed (tok_ok), and the page says so.
        await shows("#confirmations-total", `${BOOKINGS} since start`, 60_000);
        assert.match(await text("#confirm-p50"), /\d+ (ms|s)$/);
        assert.match(await text("#confirm-scope"), /since start|last \d+ s/);
        assert.equal(await text("#errors-total"), "0 since start");
        assert.match(await text("#sources"), /Postgres up · NATS up/);
        // Each service is listed with its lag; payments among them.
        const consumers = await page.locator("#consumers tbody tr td:first-child")
          .allTextContents();
        assert.ok(consumers.some((c) => c.startsWith("payments")), consumers.join(", "));
        // Tomorrow is +1 at this property: 6 of its 10 rooms sold.
        const row = `#occupancy tr[data-property="${property.id}"]`;
        assert.equal(await text(`${row} td:nth-child(1)`), "Harbour View Hotel");
        await shows(`${row} td:nth-child(3)`, "60%");
        assert.match(
          (await page.getAttribute(`${row} td:nth-child(3)`, "title")) ?? "",
          /6 sold, 0 held of 10/,
        );
        await Deno.mkdir(SCREENSHOTS, { recursive: true });
        await page.screenshot({ path: `${SCREENSHOTS}ops.png`, fullPage: true });
      });
    } finally {
      await up.stop();
    }
  },
);
