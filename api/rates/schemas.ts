import { z } from "zod";
import { catalogueSchemas } from "../catalogue/mod.ts";

const fourDecimals = (n: number) => Math.abs(n * 10_000 - Math.round(n * 10_000)) < 1e-6;

/**
 * Rate rules: from `occupancy` (0..1, share of capacity held or sold) upwards the base price is
 * multiplied by `multiplier`; the result stays within `[floor, ceiling]`.
 */
export const rateRules = z.object({
  tiers: z.array(
    z.object({
      occupancy: z.number().min(0).max(1).refine(fourDecimals, "at most 4 decimals"),
      multiplier: z.number().positive().max(100).refine(fourDecimals, "at most 4 decimals"),
    }).strict(),
  ).max(20).meta({ example: [{ occupancy: 0.8, multiplier: 1.25 }] }),
  floor: catalogueSchemas.price.meta({ example: 9000 }),
  ceiling: catalogueSchemas.price.meta({ example: 20000 }),
}).strict().check((ctx) => {
  const { tiers, floor, ceiling } = ctx.value;
  if (floor > ceiling) {
    ctx.issues.push({
      code: "custom",
      path: ["ceiling"],
      message: "must be >= floor",
      input: ceiling,
    });
  }
  if (new Set(tiers.map((t) => t.occupancy)).size !== tiers.length) {
    ctx.issues.push({
      code: "custom",
      path: ["tiers"],
      message: "thresholds must differ",
      input: tiers,
    });
  }
});

export const rateQuery = catalogueSchemas.dateRange({}, 366).strict();
export const appliedQuery = z.object({ reservationId: z.uuid() }).strict();
export const resourceParam = catalogueSchemas.resourceParam;

/** Rules as the api shows them: tiers sorted by occupancy. */
export const rules = z.object({
  propertyId: catalogueSchemas.id,
  resourceId: catalogueSchemas.id,
  tiers: z.array(z.object({
    occupancy: z.number().meta({ description: "from this share of capacity taken (0..1)" }),
    multiplier: z.number().meta({ description: "the base price is multiplied by this" }),
  })),
  floor: z.number().int(),
  ceiling: z.number().int(),
}).meta({ id: "RateRules" });

export const rates = z.object({
  propertyId: catalogueSchemas.id,
  resourceId: catalogueSchemas.id,
  from: catalogueSchemas.day,
  to: catalogueSchemas.day,
  dates: z.array(z.object({
    date: catalogueSchemas.day,
    price: z.number().int().nullable().meta({ description: "the price now (minor units)" }),
    basePrice: z.number().int().nullable(),
    total: z.number().int().nullable(),
    taken: z.number().int().meta({ description: "held and sold" }),
  })),
  changes: z.array(z.object({
    date: catalogueSchemas.day,
    price: z.number().int(),
    previousPrice: z.number().int(),
    occupancy: z.number(),
    eventId: z.uuid(),
    changedAt: catalogueSchemas.instant,
  })).meta({ description: "the dynamic price changes, oldest first" }),
});

export const applied = z.object({
  reservationId: z.uuid(),
  rates: z.array(z.object({
    resourceId: catalogueSchemas.id,
    date: catalogueSchemas.day,
    price: z.number().int(),
    appliedAt: catalogueSchemas.instant,
  })),
});
