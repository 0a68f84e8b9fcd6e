/** Dynamic pricing's pure rules: integers only (basis points, minor units). */

/** From `occupancyBps` (10000 = 100 %) upwards the base price is multiplied by `multiplierBps`. */
export interface Tier {
  occupancyBps: number;
  multiplierBps: number;
}

/** A resource's rules: tiers, and the bounds every dynamic price stays within. */
export interface RateRules {
  tiers: Tier[];
  floor: number;
  ceiling: number;
}

/** The multiplier of the highest tier whose threshold `taken / total` has reached (1.0 below all). */
export function multiplierBps(tiers: Tier[], taken: number, total: number): number {
  let m = 10_000;
  let at = -1;
  for (const t of tiers) {
    if (total > 0 && taken * 10_000 >= t.occupancyBps * total && t.occupancyBps > at) {
      m = t.multiplierBps;
      at = t.occupancyBps;
    }
  }
  return m;
}

/**
 * The price for a date: the base price times the tier's multiplier, rounded half up to a whole
 * minor unit, then held between floor and ceiling. Without rules the base price stands.
 */
export function dynamicPrice(
  base: number,
  taken: number,
  total: number,
  rules: RateRules | null,
): number {
  if (!rules) return base;
  const raw = Math.floor((base * multiplierBps(rules.tiers, taken, total) + 5_000) / 10_000);
  return Math.min(rules.ceiling, Math.max(rules.floor, raw));
}
