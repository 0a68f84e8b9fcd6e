import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "../http/mod.ts";
import { apiModule } from "../http/mod.ts";
import { NotFound } from "../../shared/errors/mod.ts";
import * as q from "./queries.ts";
import * as op from "./contract.ts";

const bps = (x: number) => Math.round(x * 10_000);

function rulesJson(r: q.StoredRules) {
  return {
    tiers: r.tiers.map((t) => ({
      occupancy: t.occupancyBps / 10_000,
      multiplier: t.multiplierBps / 10_000,
    })),
    floor: Number(r.floor),
    ceiling: Number(r.ceiling),
  };
}

/**
 * Dynamic rates: rules per resource (admin), the current price and rate history per date, and
 * the rates a reservation was booked at.
 */
export function rateRoutes(): OpenAPIHono<Env> {
  return apiModule()
    .openapi(
      op.putRateRules,
      async (c) => {
        const { propertyId, resourceId } = c.req.valid("param");
        const b = c.req.valid("json");
        const { sql } = c.var.deps;
        if (!(await q.resourceExists(sql, propertyId, resourceId))) {
          throw new NotFound(`no resource ${resourceId} at property ${propertyId}`);
        }
        const stored = {
          tiers: b.tiers.map((t) => ({
            occupancyBps: bps(t.occupancy),
            multiplierBps: bps(t.multiplier),
          })).sort((x, y) => x.occupancyBps - y.occupancyBps),
          floor: b.floor,
          ceiling: b.ceiling,
        };
        await q.putRules(sql, propertyId, resourceId, stored);
        return c.json({ propertyId, resourceId, ...rulesJson(stored) }, 200);
      },
    )
    .openapi(op.getRateRules, async (c) => {
      const { propertyId, resourceId } = c.req.valid("param");
      const rules = await q.getRules(c.var.deps.sql, resourceId);
      if (!rules || !(await q.resourceExists(c.var.deps.sql, propertyId, resourceId))) {
        throw new NotFound(`no rate rules for ${resourceId}`);
      }
      return c.json({ propertyId, resourceId, ...rulesJson(rules) }, 200);
    })
    .openapi(
      op.getRates,
      async (c) => {
        const { propertyId, resourceId } = c.req.valid("param");
        const { from, to } = c.req.valid("query");
        const { sql } = c.var.deps;
        if (!(await q.resourceExists(sql, propertyId, resourceId))) {
          throw new NotFound(`no resource ${resourceId} at property ${propertyId}`);
        }
        const [current, changes] = await Promise.all([
          q.currentRates(sql, resourceId, from, to),
          q.rateChanges(sql, resourceId, from, to),
        ]);
        return c.json({
          propertyId,
          resourceId,
          from,
          to,
          dates: current.map((r) => ({
            date: r.date,
            price: r.price === null ? null : Number(r.price),
            basePrice: r.base === null ? null : Number(r.base),
            total: r.total,
            taken: r.taken,
          })),
          changes: changes.map((h) => ({
            date: h.date,
            price: Number(h.price),
            previousPrice: Number(h.previous_price),
            occupancy: Number(h.occupancy),
            eventId: h.event_id,
            changedAt: new Date(h.changed_at).toISOString(),
          })),
        }, 200);
      },
    )
    .openapi(op.appliedRates, async (c) => {
      const { reservationId } = c.req.valid("query");
      const rows = await q.appliedRates(c.var.deps.sql, reservationId);
      return c.json({
        reservationId,
        rates: rows.map((r) => ({
          resourceId: r.resource_id,
          date: r.date,
          price: Number(r.price),
          appliedAt: new Date(r.applied_at).toISOString(),
        })),
      }, 200);
    });
}
