/**
 * A small iCalendar (RFC 5545) encoder for the confirmation's `.ics` attachment: TEXT values
 * escaped, dates and times in their basic forms, content lines folded at 75 octets, CRLF line
 * ends. Pure.
 */

/** A property of a component: `NAME;PARAM=x:value`, the value already encoded. */
interface IcsProperty {
  name: string;
  params?: Record<string, string>;
  value: string;
}

/** One event of a calendar; all-day when `start`/`end` are ISO dates (`end` exclusive). */
export interface IcsEvent {
  uid: string;
  stamp: Date;
  start: string;
  end: string;
  summary: string;
  location?: string;
  description?: string;
}

/** A TEXT value: backslash, `;`, `,` and line breaks escaped (RFC 5545 3.3.11). */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n");
}

/** An ISO date (`2030-06-05`) as a DATE value (`20300605`). */
export function icsDate(date: string): string {
  return date.replaceAll("-", "");
}

/** An instant as a UTC DATE-TIME value (`20300605T120000Z`). */
export function icsDateTime(at: Date): string {
  return at.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/**
 * Folds a content line so no line is longer than 75 octets: each continuation starts with one
 * space. A UTF-8 character is never split across lines.
 */
export function foldLine(line: string): string {
  const lines: string[] = [];
  let start = 0;
  let octets = 0;
  for (let i = 0; i < line.length; i++) {
    const code = line.codePointAt(i)!;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    // The first line holds 75 octets; a continuation's leading space takes one of them.
    if (octets + size > 75) {
      lines.push(line.slice(start, i));
      start = i;
      octets = 1;
    }
    octets += size;
    if (code > 0xffff) i++; // the low half of a surrogate pair
  }
  lines.push(line.slice(start));
  return lines.join("\r\n ");
}

/** One content line, folded. */
function contentLine(p: IcsProperty): string {
  const params = Object.entries(p.params ?? {}).map(([k, v]) => `;${k}=${v}`).join("");
  return foldLine(`${p.name}${params}:${p.value}`);
}

/** The properties of one VEVENT. */
function eventProperties(e: IcsEvent): IcsProperty[] {
  const date = { VALUE: "DATE" };
  return [
    { name: "BEGIN", value: "VEVENT" },
    { name: "UID", value: escapeText(e.uid) },
    { name: "DTSTAMP", value: icsDateTime(e.stamp) },
    { name: "DTSTART", params: date, value: icsDate(e.start) },
    { name: "DTEND", params: date, value: icsDate(e.end) },
    { name: "SUMMARY", value: escapeText(e.summary) },
    ...(e.location ? [{ name: "LOCATION", value: escapeText(e.location) }] : []),
    ...(e.description ? [{ name: "DESCRIPTION", value: escapeText(e.description) }] : []),
    { name: "TRANSP", value: "TRANSPARENT" },
    { name: "END", value: "VEVENT" },
  ];
}

/**
 * A VCALENDAR published (not an invitation: `METHOD:PUBLISH`, no attendees) with one VEVENT per
 * event, every line folded and ended with CRLF.
 */
export function calendar(opts: { prodId: string; events: IcsEvent[] }): string {
  const lines: IcsProperty[] = [
    { name: "BEGIN", value: "VCALENDAR" },
    { name: "VERSION", value: "2.0" },
    { name: "PRODID", value: opts.prodId },
    { name: "CALSCALE", value: "GREGORIAN" },
    { name: "METHOD", value: "PUBLISH" },
    ...opts.events.flatMap(eventProperties),
    { name: "END", value: "VCALENDAR" },
  ];
  return lines.map((l) => contentLine(l) + "\r\n").join("");
}
