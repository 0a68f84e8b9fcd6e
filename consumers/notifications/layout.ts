/**
 * One e-mail's content laid out twice: as plain text and as HTML (inline styles only, no
 * external resource, every value escaped). Pure.
 */
import type { LineView } from "./booking.ts";

/** What an e-mail says, in order, before it is laid out. */
export interface MailContent {
  /** The greeting's name: `Dear <name>,`. */
  name: string;
  /** The title of the HTML page: what happened, in a few words. */
  heading: string;
  /** What happened. */
  lead: string[];
  /** The booked lines, each with its amount. */
  items: LineView[];
  /** Label and value pairs under the lines: total, refund, confirmation number. */
  summary: [string, string][];
  /** The policy that applies and what the guest can do next. */
  notes: string[];
}

/** The plain-text part: paragraphs, then the lines indented under their titles. */
export function textOf(c: MailContent): string {
  const lines = c.items.map((i) =>
    [`  ${i.title}`, ...i.details.map((d) => `    ${d}`), `    ${i.amount}`].join("\n")
  );
  const blocks = [
    `Dear ${c.name},`,
    ...c.lead,
    lines.join("\n\n"),
    c.summary.map(([label, value]) => `${label}: ${value}`).join("\n"),
    ...c.notes,
  ];
  return blocks.join("\n\n") + "\n";
}

const escapes: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text made safe for HTML content and attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => escapes[ch]);
}

const S = {
  body: "margin:0;padding:24px 12px;background:#f4f4f5;" +
    "font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#18181b",
  card: "max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #e4e4e7;" +
    "border-radius:8px;padding:24px",
  h1: "margin:0 0 16px;font-size:20px;line-height:1.3",
  p: "margin:0 0 12px",
  table: "width:100%;border-collapse:collapse;margin:16px 0",
  cell: "padding:8px 0;border-top:1px solid #e4e4e7;vertical-align:top",
  amount: "padding:8px 0 8px 12px;border-top:1px solid #e4e4e7;vertical-align:top;" +
    "text-align:right;white-space:nowrap",
  detail: "color:#52525b",
  note: "margin:0 0 12px;color:#52525b;font-size:13px",
};

/** The HTML part: a single card, the lines and summary in one table. */
export function htmlOf(c: MailContent): string {
  const e = escapeHtml;
  const p = (text: string, style = S.p) => `<p style="${style}">${e(text)}</p>`;
  const item = (i: LineView) =>
    `<tr><td style="${S.cell}"><strong>${e(i.title)}</strong>` +
    i.details.map((d) => `<br><span style="${S.detail}">${e(d)}</span>`).join("") +
    `</td><td style="${S.amount}">${e(i.amount)}</td></tr>`;
  const row = ([label, value]: [string, string]) =>
    `<tr><td style="${S.cell}"><strong>${e(label)}</strong></td>` +
    `<td style="${S.amount}"><strong>${e(value)}</strong></td></tr>`;
  return [
    `<!DOCTYPE html>`,
    `<html lang="en"><head><meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<title>${e(c.heading)}</title></head>`,
    `<body style="${S.body}"><div style="${S.card}">`,
    `<h1 style="${S.h1}">${e(c.heading)}</h1>`,
    p(`Dear ${c.name},`),
    ...c.lead.map((l) => p(l)),
    `<table role="presentation" style="${S.table}">`,
    ...c.items.map(item),
    ...c.summary.map(row),
    `</table>`,
    ...c.notes.map((n) => p(n, S.note)),
    `</div></body></html>`,
    "",
  ].join("\n");
}
