/**
 * How amounts, dates and times read in a guest's e-mail (English, as no property has a locale):
 * `€240.00`, `Wed 5 Jun 2030`, `Tue 4 Jun 2030, 00:00`. Pure.
 */

const LOCALE = "en";

const moneyFormats = new Map<string, Intl.NumberFormat>();

/**
 * An amount (integer minor units, not negative) of `currency` with its symbol: `formatMoney(24000, "EUR")` is
 * `€240.00`, `formatMoney(500, "JPY")` is `¥500`. The minor units are placed by the currency's
 * own number of decimals, and the amount is formatted from its exact decimal string (no float
 * division).
 */
export function formatMoney(minor: number, currency: string): string {
  let f = moneyFormats.get(currency);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE, { style: "currency", currency });
    moneyFormats.set(currency, f);
  }
  const decimals = f.resolvedOptions().maximumFractionDigits ?? 2;
  const digits = String(minor).padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const exact = decimals ? `${whole}.${digits.slice(-decimals)}` : whole;
  return f.format(exact as Intl.StringNumericLiteral);
}

const dayFormat = new Intl.DateTimeFormat(LOCALE, {
  weekday: "short",
  day: "numeric",
  month: "short",
  year: "numeric",
  timeZone: "UTC",
});

type Parts = Partial<Record<Intl.DateTimeFormatPartTypes, string>>;
const partsOf = (f: Intl.DateTimeFormat, at: Date): Parts =>
  Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));

/**
 * A calendar date (ISO, a date at the property as bookings and inventory keep it) as
 * `Wed 5 Jun 2030`. It is a date, not an instant: no time zone can move it to another day.
 */
export function formatDate(date: string): string {
  const p = partsOf(dayFormat, new Date(`${date}T00:00:00Z`));
  return `${p.weekday} ${p.day} ${p.month} ${p.year}`;
}

const instantFormats = new Map<string, Intl.DateTimeFormat>();

/** An instant as the clock shows it in `timeZone`: `Tue 4 Jun 2030, 00:00`. */
export function formatInstant(at: Date, timeZone: string): string {
  let f = instantFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat(LOCALE, {
      weekday: "short",
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone,
    });
    instantFormats.set(timeZone, f);
  }
  const p = partsOf(f, at);
  return `${p.weekday} ${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute}`;
}

/** `1 night`, `2 nights`: a count with its noun, plural from 2 on. */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
