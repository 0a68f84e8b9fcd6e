/**
 * The search for the sustained booking rate: probe a rate, step up (or down) by a factor until
 * one probe passes and one fails, then bisect between them. Pure: the probes so far in, the next
 * rate out.
 */

/** One probe: the rate it ran at and whether every condition held. */
export interface Probe {
  rate: number;
  ok: boolean;
}

/** How the search moves. */
export interface SearchOptions {
  /** The first rate (bookings/s). */
  start: number;
  /** Step factor while no bracket is found (2 doubles or halves). */
  factor: number;
  /** Rates below `min` or above `max` are not tried. */
  min: number;
  max: number;
  /** The number of probes the search may run. */
  probes: number;
  /** Stop bisecting once the bracket is narrower than this share of its lower end (0.1). */
  resolution: number;
}

/** The highest rate below the lowest failing one that passed, 0 when none did. */
export function sustainedRate(probes: Probe[]): number {
  const hi = Math.min(...probes.filter((p) => !p.ok).map((p) => p.rate));
  return Math.max(0, ...probes.filter((p) => p.ok && p.rate < hi).map((p) => p.rate));
}

/** The next rate to probe, or null when the search is done (bracket narrow, budget spent). */
export function nextRate(probes: Probe[], o: SearchOptions): number | null {
  if (probes.length >= o.probes) return null;
  if (probes.length === 0) return Math.round(clamp(o.start, o.min, o.max));
  const hi = Math.min(...probes.filter((p) => !p.ok).map((p) => p.rate));
  const lo = sustainedRate(probes);
  let next: number;
  if (hi === Infinity) {
    // Everything passed so far: step up from the best pass, up to `max`.
    if (lo >= o.max) return null;
    next = Math.min(o.max, lo * o.factor);
  } else if (lo === 0) {
    // Nothing passed below the lowest failure: step down, not under `min`.
    if (hi <= o.min) return null;
    next = Math.max(o.min, hi / o.factor);
  } else {
    if (hi - lo <= o.resolution * lo) return null;
    next = (lo + hi) / 2;
  }
  const rate = Math.round(next);
  return probes.some((p) => p.rate === rate) ? null : rate;
}

function clamp(v: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, v));
}

/** What a probe measured, as far as the verdict goes. */
export interface ProbeFigures {
  rate: number;
  seconds: number;
  /** Failed booking requests and arrivals k6 could not start (no free VU). */
  errors: number;
  dropped: number;
  /** Bookings made, their pending -> confirmed p99, and how many were not confirmed in 5 s. */
  bookings: number;
  confirmP99: number;
  late: number;
  /** From the load's end until the event backlog was 0; null when it was not within the watch. */
  drainMs: number | null;
}

/** The limits a sustained rate must keep. */
export interface ProbeLimits {
  confirmP99Ms: number;
  drainMs: number;
  /** Share of the arrivals that may be dropped (0.005). */
  droppedShare: number;
}

/** The sustained target: p99 <= 500 ms, all confirmed in 5 s, backlog 0 within 5 s of the end. */
export const SUSTAINED_LIMITS: ProbeLimits = {
  confirmP99Ms: 500,
  drainMs: 5000,
  droppedShare: 0.005,
};

/** Whether a probe kept every limit, and the reasons when not. */
export function judgeProbe(f: ProbeFigures, l: ProbeLimits): { ok: boolean; why: string[] } {
  const why: string[] = [];
  if (f.errors > 0) why.push(`${f.errors} failed requests`);
  if (f.dropped > l.droppedShare * f.rate * f.seconds) why.push(`${f.dropped} arrivals dropped`);
  if (f.bookings === 0) why.push("no bookings");
  if (f.late > 0) why.push(`${f.late} not confirmed within 5 s`);
  if (!(f.confirmP99 <= l.confirmP99Ms)) {
    why.push(`confirmation p99 ${Math.round(f.confirmP99)} ms`);
  }
  if (f.drainMs === null) why.push("backlog never back to 0");
  else if (f.drainMs > l.drainMs) why.push(`backlog back to 0 after ${f.drainMs} ms`);
  return { ok: why.length === 0, why };
}
