import { Hono } from "hono";
import type { Env } from "../http/env.ts";
import { openApiDocument, operations } from "./openapi.ts";

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A self-contained page (no scripts, no CDN) listing every operation with its schemas. */
function docsPage(doc: Record<string, unknown>): string {
  const paths = doc.paths as Record<
    string,
    Record<string, { summary: string; requestBody?: unknown; parameters: unknown[] }>
  >;
  const rows = operations.map((op) => {
    const o = paths[op.path][op.method];
    const body = o.requestBody
      ? `<details><summary>body</summary><pre>${
        escape(JSON.stringify(o.requestBody, null, 2))
      }</pre></details>`
      : "";
    const params = o.parameters.length
      ? `<details><summary>parameters</summary><pre>${
        escape(JSON.stringify(o.parameters, null, 2))
      }</pre></details>`
      : "";
    return `<section><h3><code>${op.method.toUpperCase()} ${escape(op.path)}</code> ${
      op.role === "admin" ? "<small>admin</small>" : ""
    }</h3><p>${escape(o.summary)}</p>${params}${body}</section>`;
  }).join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>berth API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
code,pre{font:13px ui-monospace,monospace}pre{background:#f5f5f5;padding:.5rem;overflow:auto}
h3{margin:1.5rem 0 .2rem}small{background:#fde;padding:0 .4rem;border-radius:3px}</style></head>
<body><h1>berth API</h1><p>${escape((doc.info as { description: string }).description)}</p>
<p>Errors are <code>application/problem+json</code> with a stable <code>code</code>. Send <code>Authorization: Bearer &lt;api key&gt;</code>. Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
${rows}</body></html>`;
}

/** `GET /openapi.json` and the human page `GET /docs`. */
export function docsRoutes(): Hono<Env> {
  const doc = openApiDocument();
  const page = docsPage(doc);
  return new Hono<Env>()
    .get("/openapi.json", (c) => c.json(doc))
    .get("/docs", (c) => c.html(page));
}
