import assert from "node:assert/strict";
import { eventually, integration } from "../../testing/mod.ts";
import { nonPublicRange } from "../../shared/net/mod.ts";
import { notificationsPlatform } from "./testdata/platform.ts";

const T = 20_000;

integration(
  "notifications: without BERTH_WEBHOOK_ALLOW_PRIVATE no webhook reaches a private address",
  async (t) => {
    // Registered while the api allowed private targets; the dispatcher does not.
    const p = await notificationsPlatform(() => 200, { dispatchToPrivate: false });
    try {
      const { port } = new URL(p.receiver.base);
      // This machine's name: /etc/hosts points it at a loopback or private address.
      const name = Deno.hostname();
      const [a] = await Deno.resolveDns(name, "A");
      assert.ok(a && nonPublicRange(a), `${name} should resolve to this machine, not ${a}`);
      const a1 = await p.seed();
      const urls = {
        literal: `http://127.0.0.1:${port}/literal`,
        named: `http://${name}:${port}/named`,
      };
      const reasons = {
        literal: /^refused: 127\.0\.0\.1 is a loopback address$/,
        named: new RegExp(`^refused: ${name} resolves to ${a.replaceAll(".", "\\.")}, a `),
      };
      const ids: Record<string, string> = {};
      for (const [path, url] of Object.entries(urls)) {
        const r = await p.call("POST", `/v1/properties/${a1.propertyId}/webhooks`, {
          url,
          events: ["reservation.created"],
        });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        ids[path] = r.body.id;
      }
      await p.book(a1.propertyId, a1.roomId, "ops@example.com", "tok_decline_p");

      for (const [path, reason] of Object.entries(reasons)) {
        const id = ids[path];
        await t.step(
          `${path}: the delivery fails at once with the reason; nothing sent`,
          async () => {
            const note = await eventually(
              async () => (await p.notes()).find((e) => e.data.target === id),
              T,
              `${path} note`,
            );
            assert.equal(note.type, "notification.failed");
            assert.equal(note.data.attempts, 1);
            const [d] = (await p.call("GET", `/v1/webhooks/${id}/deliveries`)).body.items;
            assert.equal(d.status, "failed");
            assert.match(d.lastError, reason);
            assert.equal(d.log[0].statusCode, null);
            assert.equal(p.receiver.received.length, 0, "the receiver saw no request");
          },
        );
      }
    } finally {
      await p.close();
    }
  },
);
