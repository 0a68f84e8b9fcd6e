/**
 * `/docs`: the OpenAPI document as a page people read. For each operation its request
 * (parameters, body fields), a curl example, each answer with its fields and an example, and
 * the errors with their codes; a table of every error code; a menu by tag. One HTML file with
 * its styles inline: no scripts, fonts or anything else from outside.
 */
import type { OpenApiDocument } from "./openapi.ts";
import type { FieldRow, Schema } from "./schema_view.ts";
import { SchemaView } from "./schema_view.ts";

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}

interface Response {
  description?: string;
  content?: Record<string, { schema?: Schema }>;
  headers?: Record<string, { schema?: Schema; description?: string }>;
}

export interface Operation {
  operationId: string;
  summary?: string;
  description?: string;
  tags?: string[];
  "x-berth-role"?: "public" | "key" | "admin";
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: Schema }> };
  responses: Record<string, Response>;
}

const methods = ["get", "post", "put", "patch", "delete"] as const;

/** Every operation of `doc` with its method and path, in the document's order. */
export function operationsOf(doc: OpenApiDocument) {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    methods.filter((m) => item[m]).map((method) => ({
      path,
      method,
      op: item[method] as unknown as Operation,
    }))
  );
}

/** The problem codes a problem answer declares (`code`'s enum). */
export function codesOf(view: SchemaView, response: Response): string[] {
  const schema = response.content?.["application/problem+json"]?.schema;
  if (!schema) return [];
  const code = [schema, ...(schema.allOf ?? [])].map((s) => view.resolve(s).properties?.code)
    .filter((c): c is Schema => !!c?.enum || c?.const !== undefined).at(-1);
  return code?.enum?.map(String) ?? (code?.const !== undefined ? [String(code.const)] : []);
}

const escape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Text with `code` spans and paragraphs, escaped. */
const prose = (s: string) =>
  s.split(/\n\n+/).map((p) =>
    `<p>${escape(p).replace(/`([^`]+)`/g, "<code>$1</code>").replace(/\n/g, " ")}</p>`
  ).join("");

const roles = { public: "anyone", key: "any API key", admin: "an admin key" } as const;

function fieldTable(rows: FieldRow[]): string {
  if (!rows.length) return "";
  return `<table class="fields"><thead><tr><th>field</th><th>type</th><th>notes</th></tr></thead><tbody>${
    rows.map((r) =>
      `<tr><td><code>${escape(r.path)}</code>${
        r.required ? ' <span class="req">required</span>' : ""
      }</td><td>${escape(r.type)}</td><td>${prose(r.notes)}</td></tr>`
    ).join("")
  }</tbody></table>`;
}

const json = (v: unknown) => escape(JSON.stringify(v, null, 2));

/** A curl command for the operation with example values. */
function curlOf(view: SchemaView, method: string, path: string, op: Operation): string {
  const params = op.parameters ?? [];
  const value = (p: Parameter) => String(p.schema ? view.example(p.schema) : p.name);
  let url = path.replace(/\{(\w+)\}/g, (_, name) => {
    const p = params.find((x) => x.in === "path" && x.name === name);
    return p ? encodeURIComponent(value(p)) : name;
  });
  const query = params.filter((p) =>
    p.in === "query" && (p.required || p.schema?.example !== undefined)
  );
  if (query.length) {
    url += `?${query.map((p) => `${p.name}=${encodeURIComponent(value(p))}`).join("&")}`;
  }
  const lines = [`curl${method === "get" ? "" : ` -X ${method.toUpperCase()}`} "$BERTH_URL${url}"`];
  if (op["x-berth-role"] !== "public") lines.push(`-H "Authorization: Bearer $KEY"`);
  for (const h of params.filter((p) => p.in === "header")) {
    lines.push(`-H "${h.name}: ${h.name === "Idempotency-Key" ? "booking-4711" : value(h)}"`);
  }
  const body = op.requestBody?.content["application/json"]?.schema;
  if (body && op.requestBody?.required) {
    lines.push(`-H "Content-Type: application/json"`);
    lines.push(`-d '${JSON.stringify(view.example(body))}'`);
  }
  return escape(lines.join(" \\\n  "));
}

function requestPart(view: SchemaView, method: string, path: string, op: Operation): string {
  const params = op.parameters ?? [];
  const paramRows = params.length
    ? `<h4>Parameters</h4><table class="params"><thead><tr><th>name</th><th>in</th><th>type</th><th>notes</th></tr></thead><tbody>${
      params.map((p) =>
        `<tr><td><code>${escape(p.name)}</code>${
          p.required ? ' <span class="req">required</span>' : ""
        }</td><td>${p.in}</td><td>${p.schema ? escape(view.typeOf(p.schema)) : ""}</td><td>${
          prose(
            [p.schema ? view.notesOf(p.schema) : "", p.description ?? ""].filter(Boolean).join(
              "; ",
            ),
          )
        }</td></tr>`
      ).join("")
    }</tbody></table>`
    : "";
  const body = op.requestBody?.content["application/json"]?.schema;
  const bodyPart = body
    ? `<h4>Body <small>application/json${
      op.requestBody?.required ? "" : ", optional"
    }</small></h4>${fieldTable(view.fields(body))}`
    : "";
  return `${paramRows}${bodyPart}<h4>Example</h4><pre class="example">${
    curlOf(view, method, path, op)
  }</pre>`;
}

function answersPart(view: SchemaView, op: Operation): string {
  return Object.entries(op.responses).filter(([s]) => s.startsWith("2")).map(([status, r]) => {
    const [type, media] = Object.entries(r.content ?? {})[0] ?? [];
    const schema = media?.schema;
    const isJson = type?.includes("json");
    const headers = Object.keys(r.headers ?? {});
    return `<div class="answer"><h4><span class="status ok">${status}</span> ${
      escape(r.description ?? "")
    } <small>${type ? escape(type) : "no body"}</small></h4>${
      headers.length
        ? `<p>Headers: ${headers.map((h) => `<code>${escape(h)}</code>`).join(", ")}</p>`
        : ""
    }${
      schema && isJson
        ? `${
          fieldTable(view.fields(schema))
        }<details><summary>Example answer</summary><pre class="example">${
          json(view.example(schema))
        }</pre></details>`
        : ""
    }</div>`;
  }).join("");
}

function errorsPart(view: SchemaView, op: Operation): string {
  const rows = Object.entries(op.responses).filter(([s]) => !s.startsWith("2"));
  if (!rows.length) return "";
  return `<h4>Errors <small>application/problem+json</small></h4><table class="errors"><tbody>${
    rows.map(([status, r]) =>
      `<tr><td><span class="status err">${status}</span></td><td>${
        codesOf(view, r).map((c) => `<code class="code">${escape(c)}</code>`).join(" ")
      }</td><td>${
        escape((r.description ?? "").replace(/: `[a-z_]+`(, `[a-z_]+`)*$/, ""))
      }</td></tr>`
    ).join("")
  }</tbody></table>`;
}

function operationCard(view: SchemaView, method: string, path: string, op: Operation): string {
  const role = op["x-berth-role"] ?? "key";
  return `<section class="op" id="op-${op.operationId}">
<h3><a href="#op-${op.operationId}"><span class="method ${method}">${method.toUpperCase()}</span> <code class="path">${
    escape(path)
  }</code></a></h3>
<p class="summary">${escape(op.summary ?? "")}</p>
<p class="meta">Who: <span class="role ${role}">${
    roles[role]
  }</span> · operationId <code>${op.operationId}</code></p>
${op.description ? prose(op.description) : ""}
<div class="cols"><div><h4 class="part">Request</h4>${requestPart(view, method, path, op)}</div>
<div><h4 class="part">Answers</h4>${answersPart(view, op)}${errorsPart(view, op)}</div></div>
</section>`;
}

/** Every problem code of `doc`, with the statuses it comes with and where. */
export function errorCodes(doc: OpenApiDocument) {
  const view = new SchemaView((doc.components?.schemas ?? {}) as Record<string, Schema>);
  const codes = new Map<string, { statuses: Set<number>; operations: Set<string> }>();
  for (const { op } of operationsOf(doc)) {
    for (const [status, r] of Object.entries(op.responses)) {
      for (const code of codesOf(view, r)) {
        const entry = codes.get(code) ?? { statuses: new Set(), operations: new Set() };
        entry.statuses.add(Number(status));
        entry.operations.add(op.operationId);
        codes.set(code, entry);
      }
    }
  }
  return [...codes.entries()].sort(([a], [b]) => a.localeCompare(b));
}

const style = `
:root{--fg:#1d2430;--muted:#5b6575;--line:#e3e7ee;--bg:#f7f8fa;--accent:#1f5fbf}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg)}
code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
nav{position:fixed;top:0;bottom:0;left:0;width:19rem;overflow:auto;padding:1rem;border-right:1px solid var(--line);background:var(--bg)}
nav h2{font-size:.75rem;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin:1.2rem 0 .3rem}
nav a{display:flex;gap:.4rem;align-items:flex-start;color:var(--fg);text-decoration:none;padding:.15rem .2rem;border-radius:3px;font-size:.8rem}
nav a .method{flex:none;min-width:3.8rem}nav a span:last-child{overflow-wrap:anywhere}
nav a:hover{background:#e8eefb}
main{margin-left:19rem;padding:1.5rem 2.5rem;max-width:90rem}
h1{margin:.2rem 0}h1 small{font-size:.9rem;color:var(--muted);font-weight:normal}
.tag{margin-top:2.5rem;border-bottom:2px solid var(--line)}
.op{border:1px solid var(--line);border-radius:8px;padding:1rem 1.2rem;margin:1.2rem 0;scroll-margin-top:1rem}
.op h3{margin:0;font-size:1.05rem}.op h3 a{color:inherit;text-decoration:none}
.summary{font-weight:600;margin:.4rem 0 .2rem}.meta{color:var(--muted);font-size:.85rem;margin:.2rem 0}
.method{display:inline-block;min-width:4.2rem;text-align:center;border-radius:4px;padding:.05rem .4rem;color:#fff;font:600 .75rem/1.6 ui-monospace,monospace}
.get{background:#1f7a4d}.post{background:#1f5fbf}.put{background:#8a5a00}.patch{background:#6b3fa0}.delete{background:#b3261e}
.role{font-weight:600}.role.admin{color:#b3261e}.role.public{color:#1f7a4d}
.cols{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1.5rem}
@media (max-width:1500px){.cols{grid-template-columns:minmax(0,1fr)}}
@media (max-width:900px){nav{display:none}main{margin-left:0}}
h4{margin:.9rem 0 .3rem;font-size:.9rem}h4 small{color:var(--muted);font-weight:normal}
h4.part{text-transform:uppercase;font-size:.75rem;letter-spacing:.05em;color:var(--muted);border-bottom:1px solid var(--line)}
table{border-collapse:collapse;width:100%;font-size:.85rem}
th{text-align:left;color:var(--muted);font-weight:600}th,td{padding:.25rem .4rem;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:anywhere}
table.fields td:first-child{width:32%}table.fields td:nth-child(2){width:18%}
table.params td:first-child{width:26%}table.params td:nth-child(2){width:9%}table.params td:nth-child(3){width:15%}
td p{margin:0}.req{font-size:.7rem;color:#b3261e}
pre.example{background:#0f1720;color:#e6edf3;padding:.7rem .8rem;border-radius:6px;overflow:auto;max-height:26rem}
.status{display:inline-block;border-radius:4px;padding:0 .35rem;font:600 .8rem/1.5 ui-monospace,monospace}
.status.ok{background:#dff3e8;color:#1f7a4d}.status.err{background:#fde8e7;color:#b3261e}
code.code{background:#f1f3f7;border-radius:3px;padding:0 .25rem}
details summary{cursor:pointer;color:var(--accent);font-size:.85rem;margin:.3rem 0}
`;

/** The whole page of `doc`. */
export function docsPage(doc: OpenApiDocument): string {
  const view = new SchemaView((doc.components?.schemas ?? {}) as Record<string, Schema>);
  const operations = operationsOf(doc);
  const tags = (doc.tags ?? []).map((t) => ({
    ...t,
    operations: operations.filter((o) => o.op.tags?.[0] === t.name),
  }));
  const menu = tags.map((t) =>
    `<h2>${escape(t.name)}</h2>${
      t.operations.map((o) =>
        `<a href="#op-${o.op.operationId}"><span class="method ${o.method}">${o.method.toUpperCase()}</span><span>${
          escape(o.path)
        }</span></a>`
      ).join("")
    }`
  ).join("");
  const codes = errorCodes(doc).map(([code, e]) =>
    `<tr><td><code class="code">${code}</code></td><td>${
      [...e.statuses].sort().join(", ")
    }</td><td>${e.operations.size}</td></tr>`
  ).join("");
  const sections = tags.map((t) =>
    `<h2 class="tag" id="tag-${escape(t.name)}">${escape(t.name)}</h2>${
      t.description ? `<p>${escape(t.description)}</p>` : ""
    }${t.operations.map((o) => operationCard(view, o.method, o.path, o.op)).join("\n")}`
  ).join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>berth API reference</title><link rel="icon" href="data:,"><style>${style}</style></head>
<body><nav aria-label="operations"><strong>berth API</strong> <small>${
    escape(doc.info.version)
  }</small>
<a href="#errors">Error codes</a><a href="/openapi.json">openapi.json</a>${menu}</nav>
<main><h1>berth API <small>${escape(doc.info.version)} · OpenAPI ${doc.openapi}</small></h1>
${prose(doc.info.description ?? "")}
<p>The machine-readable reference is <a href="/openapi.json">/openapi.json</a>: generate a typed client from it (openapi-typescript, openapi-fetch).</p>
<h2 class="tag" id="errors">Error codes</h2>
<table class="codes"><thead><tr><th>code</th><th>status</th><th>operations</th></tr></thead><tbody>${codes}</tbody></table>
${sections}
</main></body></html>`;
}
