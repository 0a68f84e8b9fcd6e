/** How the report writes figures: "–" for what was not measured. */

/** Milliseconds: one decimal below 10, whole above. */
export const ms = (v: number): string =>
  Number.isFinite(v) ? `${v < 10 ? v.toFixed(1) : Math.round(v)} ms` : "–";

/** A whole number with thousands separators. */
export const num = (v: number): string =>
  Number.isFinite(v) ? Math.round(v).toLocaleString("en-US") : "–";

/** A ratio with two decimals. */
export const ratio = (v: number): string => Number.isFinite(v) ? v.toFixed(2) : "–";

/** Bytes as whole MB. */
export const mb = (b: number): string => `${Math.round(b / 1024 / 1024)} MB`;

/** met / missed / unknown, as the tables show it. */
export const verdict = (ok: boolean | null): string =>
  ok === null ? "unknown" : ok ? "met" : "**missed**";
