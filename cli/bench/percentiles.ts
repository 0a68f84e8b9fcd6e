/** Percentiles of a sample by the nearest-rank method: no interpolation, every figure was seen. */

/** How a sample spreads: its size, median, p95, p99 and maximum (NaN when it is empty). */
export interface Spread {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** The `p`th percentile (0-100] of an ascending sample: the smallest value with p % at or below. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** p50, p95, p99 and max of `values` (any order). */
export function spread(values: Iterable<number>): Spread {
  const sorted = Float64Array.from(values).sort();
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
}
