/** Calendar arithmetic on ISO dates (`YYYY-MM-DD`, UTC days): no time zones, no I/O. */

const DAY = 86_400_000;

/** Days since 1970-01-01 of an ISO date. */
export function epochDay(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY);
}

/** Days in [from, to), counted arithmetically: no list of dates is built. */
export function daysIn(from: string, to: string): number {
  return epochDay(to) - epochDay(from);
}

/** The ISO date `n` days after `date` (before it when `n` is negative). */
export function addDays(date: string, n: number): string {
  return new Date((epochDay(date) + n) * DAY).toISOString().slice(0, 10);
}

/** Every date in [from, to), as ISO strings. */
export function datesIn(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = epochDay(from); d < epochDay(to); d++) {
    out.push(new Date(d * DAY).toISOString().slice(0, 10));
  }
  return out;
}
