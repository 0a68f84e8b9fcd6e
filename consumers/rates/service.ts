import type { Sql } from "../../shared/db/db.ts";
import { datesIn } from "../../shared/booking/domain.ts";
import { defineService, type HandlerContext } from "../runtime/mod.ts";
import { dynamicPrice, type RateRules } from "./pricing.ts";

interface Night {
  resourceId: string;
  date: string;
  quantity: number;
}

function nightsOf(items: { resourceId: string; from: string; to: string; quantity: number }[]) {
  const out = new Map<string, Night>();
  for (const it of items) {
    for (const date of datesIn(it.from, it.to)) {
      const k = `${it.resourceId}\u0000${date}`;
      const n = out.get(k);
      if (n) n.quantity += it.quantity;
      else out.set(k, { resourceId: it.resourceId, date, quantity: it.quantity });
    }
  }
  return [...out.values()].sort((a, b) =>
    a.resourceId.localeCompare(b.resourceId) || a.date.localeCompare(b.date)
  );
}

/** Adds (or with a negative sign removes) taken units; rows are touched in (resource, date) order. */
async function addTaken(tx: Sql, propertyId: string, nights: Night[], sign: 1 | -1) {
  if (nights.length === 0) return;
  await tx`
    insert into rates.occupancy as o (resource_id, date, property_id, taken)
    select r, d, ${propertyId}, q
    from unnest(${nights.map((n) => n.resourceId)}::text[], ${nights.map((n) => n.date)}::date[],
      ${nights.map((n) => sign * n.quantity)}::int[]) as x(r, d, q)
    order by r, d
    on conflict (resource_id, date) do update set taken = o.taken + excluded.taken`;
}

async function releaseNights(tx: Sql, propertyId: string, reservationId: string) {
  const rows = await tx<{ resource_id: string; date: string; quantity: number }[]>`
    delete from rates.reservation_nights where reservation_id = ${reservationId}
    returning resource_id, date, quantity`;
  const nights = rows.map((r) => ({
    resourceId: r.resource_id,
    date: r.date,
    quantity: r.quantity,
  }))
    .sort((a, b) => a.resourceId.localeCompare(b.resourceId) || a.date.localeCompare(b.date));
  await addTaken(tx, propertyId, nights, -1);
  return nights;
}

async function takeNights(tx: Sql, propertyId: string, reservationId: string, nights: Night[]) {
  await tx`
    insert into rates.reservation_nights (reservation_id, resource_id, date, quantity)
    select ${reservationId}::uuid, r, d, q
    from unnest(${nights.map((n) => n.resourceId)}::text[], ${nights.map((n) => n.date)}::date[],
      ${nights.map((n) => n.quantity)}::int[]) as x(r, d, q)`;
  await addTaken(tx, propertyId, nights, 1);
}

/**
 * Recomputes the price of one (resource, date) from its occupancy and rules; when it differs
 * from the price last published, publishes `rate.updated` and records it in the history.
 */
async function reprice(tx: Sql, ctx: HandlerContext, at: { resourceId: string; date: string }) {
  const [o] = await tx<
    {
      total: number | null;
      taken: number;
      base: string | null;
      price: string | null;
      rules: RateRules | null;
    }[]
  >`
    select o.total, o.taken, o.base_price::text as base, o.price::text as price,
      case when r.resource_id is null then null
        else json_build_object('tiers', r.tiers, 'floor', r.floor, 'ceiling', r.ceiling) end as rules
    from rates.occupancy o left join rates.rules r on r.resource_id = o.resource_id
    where o.resource_id = ${at.resourceId} and o.date = ${at.date}`;
  if (!o || o.total === null || o.base === null || o.price === null) return;
  const previous = Number(o.price);
  const price = dynamicPrice(Number(o.base), o.taken, o.total, o.rules);
  if (price === previous) return;
  const occupancy = o.total > 0 ? Math.min(1, Math.max(0, o.taken / o.total)) : 0;
  const event = await ctx.emit("rate.updated", {
    resourceId: at.resourceId,
    date: at.date,
    price,
    previousPrice: previous,
    occupancy,
  });
  await tx`update rates.occupancy set price = ${price}
    where resource_id = ${at.resourceId} and date = ${at.date}`;
  await tx`
    insert into rates.rate_history (property_id, resource_id, date, price, previous_price,
      occupancy, event_id, changed_at)
    values (${event.propertyId}, ${at.resourceId}, ${at.date}, ${price}, ${previous},
      ${occupancy}, ${event.id}, ${event.occurredAt})`;
}

async function recordApplied(
  tx: Sql,
  ctx: HandlerContext,
  propertyId: string,
  reservationId: string,
  rates: { resourceId: string; date: string; price: number }[],
  at: string,
) {
  for (const r of rates) {
    await ctx.emit("rate.applied", { reservationId, ...r });
    await tx`
      insert into rates.applied (reservation_id, resource_id, date, property_id, price, applied_at)
      values (${reservationId}, ${r.resourceId}, ${r.date}, ${propertyId}, ${r.price}, ${at})
      on conflict (reservation_id, resource_id, date) do update
        set price = excluded.price, applied_at = excluded.applied_at`;
  }
}

/**
 * Dynamic rates: keeps occupancy per (resource, date) from capacity and reservation events,
 * publishes `rate.updated` when a date's price changes with it, and `rate.applied` for the rate
 * each reservation was booked at.
 */
export const rates = defineService({
  name: "rates",
  // Occupancy rows are written from two streams (inventory, reservations): take turns per property.
  lockProperties: true,
  events: [
    "inventory.updated",
    "reservation.created",
    "reservation.modified",
    "reservation.cancelled",
    "reservation.expired",
    "reservation.failed",
  ],
  async handle(tx, event, ctx) {
    const pid = event.propertyId;
    switch (event.type) {
      case "inventory.updated": {
        const { resourceId, dates } = event.data;
        const sorted = [...dates].sort((a, b) => a.date.localeCompare(b.date));
        for (const d of sorted) {
          await tx`
            insert into rates.occupancy as o (resource_id, date, property_id, total, base_price, price)
            values (${resourceId}, ${d.date}, ${pid}, ${d.total}, ${d.price}, ${d.price})
            on conflict (resource_id, date) do update
              set total = excluded.total, base_price = excluded.base_price, price = excluded.price`;
          await reprice(tx, ctx, { resourceId, date: d.date });
        }
        return;
      }
      case "reservation.created":
      case "reservation.modified": {
        const d = event.data;
        const old = event.type === "reservation.modified"
          ? await releaseNights(tx, pid, d.reservationId)
          : [];
        const nights = nightsOf(d.items);
        await takeNights(tx, pid, d.reservationId, nights);
        await recordApplied(tx, ctx, pid, d.reservationId, d.rates, event.occurredAt);
        const touched = new Map(
          [...old, ...nights].map((n) => [`${n.resourceId}\u0000${n.date}`, n]),
        );
        for (
          const n of [...touched.values()].sort((a, b) =>
            a.resourceId.localeCompare(b.resourceId) || a.date.localeCompare(b.date)
          )
        ) {
          await reprice(tx, ctx, n);
        }
        return;
      }
      default: {
        for (const n of await releaseNights(tx, pid, event.data.reservationId)) {
          await reprice(tx, ctx, n);
        }
      }
    }
  },
});
