/** A delivered guest mail as its reader sees it: the HTML's text and the calendar's lines. */
import assert from "node:assert/strict";

/** The HTML part as a reader sees it: tags gone, entities undone, spaces collapsed. */
export const visible = (html: string) =>
  html.replace(/<[^>]+>/g, " ").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&").replace(/\s+/g, " ");

/** A calendar as a reader unfolds it, one content line per entry. */
export const icsLines = (ics: string) => ics.replace(/\r?\n /g, "").split(/\r?\n/);

/** The calendar part's bytes as they travelled (base64 in the raw message), as text. */
export function calendarOnTheWire(raw: string): string {
  const part = /^Content-Type: text\/calendar[^]*?\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n--/m.exec(raw);
  assert.ok(part, "a base64 text/calendar part");
  const bytes = Uint8Array.from(atob(part[1].replace(/\s/g, "")), (c) => c.charCodeAt(0));
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}
