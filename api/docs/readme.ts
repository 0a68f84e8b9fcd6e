/**
 * The README's endpoint table, generated from the OpenAPI document: one row per operation with
 * who may call it, what it does and the errors of its own (the gateway's, which most
 * operations share, are said once below the table). `api/docs/readme_test.ts` keeps the README
 * equal to it.
 */
import type { OpenApiDocument } from "./openapi.ts";
import { codesOf, operationsOf } from "./page.ts";
import type { Schema } from "./schema_view.ts";
import { SchemaView } from "./schema_view.ts";

/** Where the table sits in README.md. */
export const BEGIN = "<!-- endpoints: generated from /openapi.json by api/docs/readme.ts -->";
export const END = "<!-- endpoints: end -->";

const who = { public: "anyone", key: "any key", admin: "admin" } as const;

/** Codes every operation of a kind may answer, said once under the table. */
const shared = new Set([
  "unauthorized",
  "forbidden",
  "rate_limited",
  "unavailable",
  "timeout",
  "request_timeout",
  "payload_too_large",
  "unsupported_media_type",
  "validation_failed",
]);

/** The Markdown table of `doc`'s operations, with the sentence on the shared errors. */
export function endpointTable(doc: OpenApiDocument): string {
  const view = new SchemaView((doc.components?.schemas ?? {}) as Record<string, Schema>);
  const tags = (doc.tags ?? []).map((t) => t.name);
  const rank = (o: { op: { tags?: string[] } }) => tags.indexOf(o.op.tags?.[0] ?? "");
  const rows = operationsOf(doc).sort((a, b) => rank(a) - rank(b)).map(({ method, path, op }) => {
    const own = Object.entries(op.responses)
      .filter(([s]) => !s.startsWith("2"))
      .map(([status, r]) => [status, codesOf(view, r).filter((c) => !shared.has(c))] as const)
      .filter(([, codes]) => codes.length)
      .map(([status, codes]) => `${status} ${codes.map((c) => `\`${c}\``).join(", ")}`);
    const ok = Object.keys(op.responses).filter((s) => s.startsWith("2")).join(", ");
    return [
      `\`${method.toUpperCase()} ${path}\``,
      who[op["x-berth-role"] ?? "key"],
      `${ok}: ${(op.summary ?? "").replace(/\|/g, "\\|")}`,
      own.join("; "),
    ];
  });
  const header = ["method and path", "who", "success: what", "its own errors"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [
    line(header),
    `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`,
    ...rows.map(line),
    "",
    "Besides its own, an operation behind a key may answer 401 `unauthorized`, 429 " +
    "`rate_limited`, 503 `unavailable` and 504 `timeout`; an admin one 403 `forbidden`; one " +
    "with parameters or a body 400 `validation_failed`; one that takes a body 408 " +
    "`request_timeout`, 413 `payload_too_large` and 415 `unsupported_media_type`. `/docs` and " +
    "`/openapi.json` list every status and code of every operation.",
  ].join("\n");
}
