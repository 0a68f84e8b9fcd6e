import assert from "node:assert/strict";
import { eventually, integration } from "../../testing/mod.ts";
import { booking, testApp } from "../../testing/app.ts";
import { pipeline } from "../../testing/pipeline.ts";
import { inventoryPrices } from "../inventory-prices/mod.ts";
import { dynamicPrice, multiplierBps } from "./pricing.ts";
import { rates } from "./mod.ts";
import { MAX_PRICE } from "../../shared/booking/mod.ts";

Deno.test("pricing: the highest tier reached applies, rounded, within floor and ceiling", () => {
  const tiers = [{ occupancyBps: 5_000, multiplierBps: 12_500 }, {
    occupancyBps: 8_000,
    multiplierBps: 15_000,
  }];
  assert.equal(multiplierBps(tiers, 4, 10), 10_000);
  assert.equal(multiplierBps(tiers, 5, 10), 12_500);
  assert.equal(multiplierBps(tiers, 9, 10), 15_000);
  const rules = { tiers, floor: 5_000, ceiling: 14_000 };
  assert.equal(dynamicPrice(9_999, 5, 10, rules), 12_499); // 12498.75 rounds up
  assert.equal(dynamicPrice(10_000, 9, 10, rules), 14_000); // capped
  assert.equal(dynamicPrice(3_000, 0, 10, rules), 5_000); // floored
  assert.equal(dynamicPrice(3_000, 10, 10, null), 3_000);
});

/**
 * A property with one room under `rules`, 4 a night at 10000 on 2030-07-01 and 2030-07-02;
 * the rules as stored.
 */
async function roomWithRules(call: ReturnType<typeof testApp>["call"], rules: unknown) {
  const prop = await call("POST", "/v1/properties", {
    name: "Dune Inn",
    timezone: "UTC",
    currency: "EUR",
  });
  const pid: string = prop.body.id;
  const room = await call("POST", `/v1/properties/${pid}/resources`, {
    name: "Room",
    kind: "room",
  });
  const rid: string = room.body.id;
  const put = await call("PUT", `/v1/properties/${pid}/resources/${rid}/rate-rules`, rules);
  assert.equal(put.status, 200, JSON.stringify(put.body));
  await call("PUT", `/v1/properties/${pid}/resources/${rid}/inventory`, {
    from: "2030-07-01",
    to: "2030-07-03",
    total: 4,
    price: 10000,
  });
  return { pid, rid, rules: put.body };
}

integration("dynamic rates: the price rises after occupancy crosses its threshold", async () => {
  const p = await pipeline([rates, inventoryPrices]);
  const { call } = testApp(p.sql);
  try {
    const { pid, rid } = await roomWithRules(call, {
      tiers: [{ occupancy: 0.5, multiplier: 1.5 }],
      floor: 5000,
      ceiling: 14000,
    });
    const bad = await call("PUT", `/v1/properties/${pid}/resources/${rid}/rate-rules`, {
      tiers: [],
      floor: 10,
      ceiling: 5,
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, "validation_failed");
    const priceOn = async (date: string) => {
      const a = await call(
        "GET",
        `/v1/availability?propertyId=${pid}&resourceId=${rid}&from=2030-07-01&to=2030-07-03`,
      );
      return a.body.resources[0].dates.find((d: { date: string }) => d.date === date).price;
    };
    let n = 0;
    const book = async () => {
      const r = await call(
        "POST",
        "/v1/reservations",
        booking(pid, [{ resourceId: rid, from: "2030-07-01", to: "2030-07-02" }]),
        { "idempotency-key": `r${++n}` },
      );
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body;
    };
    const first = await book(); // 1 of 4: 25 %
    assert.equal(first.total, 10000);
    await eventually(
      async () => {
        const [row] = await p.sql`select taken from rates.occupancy
        where resource_id = ${rid} and date = '2030-07-01'`;
        return row?.taken === 1;
      },
      20_000,
      "rates saw the first booking",
    );
    assert.equal(await priceOn("2030-07-01"), 10000);
    await book(); // 2 of 4: 50 %, the threshold
    await eventually(async () => (await priceOn("2030-07-01")) === 14000, 20_000, "price rise");
    assert.equal(await priceOn("2030-07-02"), 10000);
    const third = await book();
    assert.equal(third.total, 14000);

    const hist = await call(
      "GET",
      `/v1/properties/${pid}/resources/${rid}/rates?from=2030-07-01&to=2030-07-03`,
    );
    assert.equal(hist.status, 200);
    assert.deepEqual(
      hist.body.changes.map((c: { date: string; price: number; previousPrice: number }) => [
        c.date,
        c.previousPrice,
        c.price,
      ]),
      [["2030-07-01", 10000, 14000]],
    );
    assert.equal(hist.body.changes[0].occupancy, 0.5);
    const applied = await eventually(
      async () => {
        const r = await call("GET", `/v1/rates/applied?reservationId=${third.id}`);
        return r.body.rates?.length === 1 && r;
      },
      20_000,
      "rate.applied",
    );
    assert.equal(applied.body.rates[0].price, 14000);
    // The rate is recorded, not published again: `reservation.created` carries it already.
    const [{ count }] = await p.sql`select count(*)::int from outbox where type = 'rate.applied'`;
    assert.equal(count, 0);

    // Cancelling two of three brings occupancy to 25 %: the base price is back.
    await call("POST", `/v1/reservations/${third.id}/cancel`);
    await call("POST", `/v1/reservations/${first.id}/cancel`);
    await eventually(async () => (await priceOn("2030-07-01")) === 10000, 20_000, "price back");
  } finally {
    await p.close();
  }
});

integration(
  "dynamic rates: rules at the money limit keep availability and booking exact",
  async () => {
    const p = await pipeline([rates, inventoryPrices]);
    const { call } = testApp(p.sql);
    try {
      const { pid, rid, rules } = await roomWithRules(call, {
        tiers: [{ occupancy: 0, multiplier: 100 }],
        floor: MAX_PRICE,
        ceiling: MAX_PRICE,
      });
      assert.deepEqual([rules.floor, rules.ceiling], [MAX_PRICE, MAX_PRICE]);
      const availability = () =>
        call("GET", `/v1/availability?propertyId=${pid}&from=2030-07-01&to=2030-07-03`);
      await eventually(
        async () => {
          const a = await availability();
          assert.equal(a.status, 200, JSON.stringify(a.body));
          return a.body.resources[0].dates.every((d: { price: number }) => d.price === MAX_PRICE);
        },
        20_000,
        "both dates at the ceiling",
      );

      const r = await call(
        "POST",
        "/v1/reservations",
        booking(pid, [{ resourceId: rid, from: "2030-07-01", to: "2030-07-03", quantity: 4 }]),
        { "idempotency-key": "peak" },
      );
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.total, 8 * MAX_PRICE);
      const got = await call("GET", `/v1/reservations/${r.body.id}`);
      assert.equal(got.status, 200, JSON.stringify(got.body));
      assert.equal(got.body.total, 8 * MAX_PRICE);
      const applied = await eventually(
        async () => {
          const a = await call("GET", `/v1/rates/applied?reservationId=${r.body.id}`);
          return a.body.rates?.length === 2 && a;
        },
        20_000,
        "rate.applied",
      );
      assert.deepEqual(applied.body.rates.map((x: { price: number }) => x.price), [
        MAX_PRICE,
        MAX_PRICE,
      ]);
      assert.equal((await availability()).status, 200);
    } finally {
      await p.close();
    }
  },
);
