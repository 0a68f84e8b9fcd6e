import assert from "node:assert/strict";
import { integration, testDatabase } from "../../testing/mod.ts";
import { seedCatalogue, testApp } from "../../testing/app.ts";

integration("webhooks: register, list, read, delete; admin only; validated", async (t) => {
  const db = await testDatabase();
  const { call } = testApp(db.sql);
  const { propertyId } = await seedCatalogue(call);
  try {
    let id = "";
    await t.step("201 with the secret, shown once; Location names the endpoint", async () => {
      const r = await call("POST", `/v1/properties/${propertyId}/webhooks`, {
        url: "https://hooks.example.com/berth",
        events: ["reservation.confirmed", "payment.refunded"],
        description: "channel manager",
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.match(r.body.id, /^wh_/);
      assert.match(r.body.secret, /^whsec_[0-9a-f]{64}$/);
      assert.equal(r.body.status, "active");
      assert.deepEqual(r.body.events, ["reservation.confirmed", "payment.refunded"]);
      assert.equal(r.headers.get("location"), `/v1/webhooks/${r.body.id}`);
      id = r.body.id;
      const got = await call("GET", `/v1/webhooks/${id}`);
      assert.equal(got.status, 200);
      assert.equal(got.body.url, "https://hooks.example.com/berth");
      assert.equal("secret" in got.body, false);
      const list = await call("GET", `/v1/properties/${propertyId}/webhooks`);
      assert.deepEqual(list.body.items.map((e: { id: string }) => e.id), [id]);
      assert.equal("secret" in list.body.items[0], false);
    });

    await t.step("bad bodies are 400 validation_failed with the fields", async () => {
      const r = await call("POST", `/v1/properties/${propertyId}/webhooks`, {
        url: "ftp://example.com/x",
        events: ["notification.sent", "reservation.confirmed", "reservation.confirmed"],
      });
      assert.equal(r.status, 400);
      assert.equal(r.body.code, "validation_failed");
      const paths = r.body.errors.map((e: { path: string }) => e.path);
      assert.ok(paths.includes("url"), JSON.stringify(r.body.errors));
      assert.ok(paths.some((p: string) => p.startsWith("events")), JSON.stringify(r.body.errors));
      const empty = await call("POST", `/v1/properties/${propertyId}/webhooks`, {
        url: "https://example.com",
        events: [],
      });
      assert.equal(empty.status, 400);
    });

    await t.step("unknown property or webhook is 404", async () => {
      const r = await call("POST", `/v1/properties/p_nope/webhooks`, {
        url: "https://example.com",
        events: ["reservation.created"],
      });
      assert.equal(r.status, 404);
      assert.equal(r.body.code, "not_found");
      assert.equal((await call("GET", "/v1/webhooks/wh_nope")).status, 404);
      assert.equal((await call("GET", "/v1/webhooks/not-a-webhook")).status, 400);
    });

    await t.step("a client key may not manage webhooks", async () => {
      const key = await call("POST", "/v1/api-keys", { name: "shop", role: "client" });
      assert.equal(key.status, 201, JSON.stringify(key.body));
      const r = await call(
        "GET",
        `/v1/properties/${propertyId}/webhooks`,
        undefined,
        {},
        key.body.key,
      );
      assert.equal(r.status, 403);
      assert.equal(r.body.code, "forbidden");
      assert.equal((await call("GET", `/v1/webhooks/${id}`, undefined, {}, null)).status, 401);
    });

    await t.step("delete is 204, then 404; the list no longer has it", async () => {
      assert.equal((await call("DELETE", `/v1/webhooks/${id}`)).status, 204);
      assert.equal((await call("DELETE", `/v1/webhooks/${id}`)).status, 404);
      const list = await call("GET", `/v1/properties/${propertyId}/webhooks`);
      assert.deepEqual(list.body.items, []);
    });
  } finally {
    await db.drop();
  }
});

/** URLs a hostile-input test got registered: internal addresses, userinfo, no host, CR/LF. */
const internalUrls = [
  "http://169.254.169.254/latest/meta-data/",
  "http://[::1]:8080/",
  "http://0.0.0.0:8080/",
  "http://localhost:8080/",
  "http://localhost./",
  "http://api.localhost/",
  "http://2130706433/",
  "http://0x7f.1/",
  "http://[::ffff:127.0.0.1]/",
  "http://[::]/",
  "http://10.1.2.3/",
  "http://172.16.0.1/",
  "http://192.168.1.1/",
  "http://100.64.0.1/",
  "http://224.0.0.1/",
  "http://255.255.255.255/",
  "http://[fc00::1]/",
  "http://[fe80::1]/",
  "https://user:pass@hooks.example.com/",
  "https://@hooks.example.com/",
  "http:///nohost",
  "https://hooks.example.com/a\r\nX-Injected: 1",
  "https://hooks.example.com/a b",
];

integration(
  "webhooks: internal or malformed URLs are refused and nothing is written",
  async (t) => {
    const db = await testDatabase();
    try {
      await t.step("by default every one is 400 validation_failed on url", async () => {
        const { call } = testApp(db.sql);
        const { propertyId } = await seedCatalogue(call);
        for (const url of internalUrls) {
          const r = await call("POST", `/v1/properties/${propertyId}/webhooks`, {
            url,
            events: ["reservation.confirmed"],
          });
          assert.equal(r.status, 400, `${JSON.stringify(url)}: ${JSON.stringify(r.body)}`);
          assert.equal(r.body.code, "validation_failed");
          const paths = new Set(r.body.errors.map((e: { path: string }) => e.path));
          assert.deepEqual([...paths], ["url"], url);
        }
        const list = await call("GET", `/v1/properties/${propertyId}/webhooks`);
        assert.deepEqual(list.body.items, []);
      });

      await t.step(
        "BERTH_WEBHOOK_ALLOW_PRIVATE lets loopback in, not a malformed URL",
        async () => {
          const { call } = testApp(db.sql, { env: { BERTH_WEBHOOK_ALLOW_PRIVATE: "true" } });
          const { propertyId } = await seedCatalogue(call);
          const ok = await call("POST", `/v1/properties/${propertyId}/webhooks`, {
            url: "http://127.0.0.1:9/hooks",
            events: ["reservation.confirmed"],
          });
          assert.equal(ok.status, 201, JSON.stringify(ok.body));
          for (const url of ["http:///nohost", "http://user:pass@127.0.0.1:9/", "http://a\n.b/"]) {
            const r = await call("POST", `/v1/properties/${propertyId}/webhooks`, {
              url,
              events: ["reservation.confirmed"],
            });
            assert.equal(r.status, 400, `${JSON.stringify(url)}: ${JSON.stringify(r.body)}`);
          }
        },
      );
    } finally {
      await db.drop();
    }
  },
);
