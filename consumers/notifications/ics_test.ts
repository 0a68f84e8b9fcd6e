import assert from "node:assert/strict";
import { calendar, escapeText, foldLine, icsDate, icsDateTime } from "./ics.ts";

const octets = (s: string) => new TextEncoder().encode(s).length;

/** Undoes folding as a calendar reader does: a CRLF followed by one space goes. */
const unfold = (text: string) => text.replace(/\r\n /g, "");

Deno.test("ics: TEXT values escape backslash, semicolon, comma and line breaks", () => {
  assert.equal(
    escapeText("Row A; seats A1, A2\\B\nsecond line\r\nthird"),
    "Row A\\; seats A1\\, A2\\\\B\\nsecond line\\nthird",
  );
  assert.equal(escapeText("plain: colons stay"), "plain: colons stay");
});

Deno.test("ics: dates and UTC times in their basic forms", () => {
  assert.equal(icsDate("2030-06-05"), "20300605");
  assert.equal(icsDateTime(new Date("2030-06-03T12:04:05.678Z")), "20300603T120405Z");
});

Deno.test("ics: a line of at most 75 octets is left as it is", () => {
  const line = "SUMMARY:" + "x".repeat(67);
  assert.equal(octets(line), 75);
  assert.equal(foldLine(line), line);
});

Deno.test("ics: long lines fold at 75 octets, continuations start with a space", () => {
  const line = "DESCRIPTION:" + "abcdefghij".repeat(20);
  const folded = foldLine(line);
  const lines = folded.split("\r\n");
  assert.equal(lines.length, 3);
  assert.equal(octets(lines[0]), 75);
  assert.equal(octets(lines[1]), 75);
  assert.ok(lines.slice(1).every((l) => l.startsWith(" ")));
  assert.equal(unfold(folded), line);
});

Deno.test("ics: folding never splits a multi-byte character", () => {
  // "é" is 2 octets, "€" 3, "🎭" 4 (two UTF-16 units): a split inside one would not decode.
  const line = "LOCATION:" + "Théâtre € 🎭 ".repeat(30);
  const folded = foldLine(line);
  for (const l of folded.split("\r\n")) {
    assert.ok(octets(l) <= 75, `${octets(l)} octets: ${l}`);
    const bytes = new TextEncoder().encode(l);
    assert.equal(new TextDecoder("utf-8", { fatal: true }).decode(bytes), l);
  }
  assert.equal(unfold(folded), line);
});

Deno.test("ics: a published calendar with one all-day VEVENT per event, CRLF throughout", () => {
  const stamp = new Date("2030-05-01T09:30:00Z");
  const text = calendar({
    prodId: "-//berth//test//EN",
    events: [
      {
        uid: "r1-1@berth",
        stamp,
        start: "2030-06-05",
        end: "2030-06-07",
        summary: "Double room, Harbour; Bay",
        location: "Harbour, Bay",
        description: "Arrival Wed 5 Jun 2030\nConfirmation number RSV-2030-000042",
      },
      { uid: "r1-2@berth", stamp, start: "2030-06-06", end: "2030-06-07", summary: "Show" },
    ],
  });
  assert.ok(text.endsWith("END:VCALENDAR\r\n"));
  assert.equal(text.replace(/\r\n/g, "").includes("\n"), false, "no bare LF");
  const lines = unfold(text).split("\r\n").filter(Boolean);
  assert.deepEqual(lines.slice(0, 5), [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//berth//test//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
  ]);
  assert.equal(lines.filter((l) => l === "BEGIN:VEVENT").length, 2);
  assert.equal(lines.filter((l) => l === "END:VEVENT").length, 2);
  assert.ok(lines.includes("UID:r1-1@berth"));
  assert.ok(lines.includes("DTSTAMP:20300501T093000Z"));
  assert.ok(lines.includes("DTSTART;VALUE=DATE:20300605"));
  assert.ok(lines.includes("DTEND;VALUE=DATE:20300607"));
  assert.ok(lines.includes("SUMMARY:Double room\\, Harbour\\; Bay"));
  assert.ok(lines.includes("LOCATION:Harbour\\, Bay"));
  assert.ok(
    lines.includes("DESCRIPTION:Arrival Wed 5 Jun 2030\\nConfirmation number RSV-2030-000042"),
  );
  assert.ok(lines.includes("UID:r1-2@berth"));
  assert.ok(text.split("\r\n").every((l) => octets(l) <= 75));
});
