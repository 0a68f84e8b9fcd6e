import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "../http/env.ts";
import { apiModule } from "../http/openapi.ts";
import type { OpenApiDocument } from "./openapi.ts";
import * as op from "./contract.ts";

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A self-contained page (no scripts, no CDN) listing every operation with its schemas. */
function docsPage(doc: OpenApiDocument): string {
  const rows = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    (["get", "post", "put", "patch", "delete"] as const).filter((m) => item[m]).map((m) => ({
      path,
      method: m,
      o: item[m]!,
    }))
  ).map(({ path, method, o }) => {
    const body = o.requestBody
      ? `<details><summary>body</summary><pre>${
        escape(JSON.stringify(o.requestBody, null, 2))
      }</pre></details>`
      : "";
    const params = o.parameters?.length
      ? `<details><summary>parameters</summary><pre>${
        escape(JSON.stringify(o.parameters, null, 2))
      }</pre></details>`
      : "";
    return `<section><h3><code>${method.toUpperCase()} ${escape(path)}</code> ${
      o["x-berth-role"] === "admin" ? "<small>admin</small>" : ""
    }</h3><p>${escape(o.summary ?? "")}</p>${params}${body}</section>`;
  }).join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>berth API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
code,pre{font:13px ui-monospace,monospace}pre{background:#f5f5f5;padding:.5rem;overflow:auto}
h3{margin:1.5rem 0 .2rem}small{background:#fde;padding:0 .4rem;border-radius:3px}</style></head>
<body><h1>berth API</h1><p>${escape(doc.info.description ?? "")}</p>
<p>Errors are <code>application/problem+json</code> with a stable <code>code</code>. Send <code>Authorization: Bearer &lt;api key&gt;</code>. Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
${rows}</body></html>`;
}

/**
 * `GET /openapi.json` and the human page `GET /docs`, of the document `document()` returns once
 * the app it describes is built.
 */
export function docsRoutes(document: () => OpenApiDocument): OpenAPIHono<Env> {
  let page: string | undefined;
  return apiModule()
    .openapi(op.openApiJson, (c) => c.json(document() as unknown as Record<string, unknown>, 200))
    .openapi(op.docsPage, (c) => c.html(page ??= docsPage(document()), 200));
}
