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
  ).max(20),
  floor: catalogueSchemas.price,
  ceiling: catalogueSchemas.price,
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
