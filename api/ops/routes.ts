import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "../http/mod.ts";
import { apiModule } from "../http/mod.ts";
import type { PlatformMetrics } from "../../shared/metrics/mod.ts";
import { scrape } from "../health/mod.ts";
import { OPS_PAGE } from "./page.ts";
import { opsSummary } from "./summary.ts";
import * as op from "./contract.ts";

const CLIENT = Deno.readTextFileSync(new URL("./client.js", import.meta.url));

/** Only the page's own script, styles and requests. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; " +
  "img-src 'self' data:; form-action 'none'; frame-ancestors 'none'";

/**
 * `/ops` (the page and its script: anyone may load them, they hold no data) and
 * `/v1/ops/summary` (admin: what the page shows, read at each poll).
 */
export function opsPageRoutes(): OpenAPIHono<Env> {
  return apiModule()
    .openapi(op.opsPage, (c) => c.html(OPS_PAGE, 200, { "content-security-policy": CSP }))
    .openapi(op.opsScript, (c) =>
      c.body(CLIENT, 200, {
        "content-type": "text/javascript; charset=utf-8",
        "cache-control": "no-cache",
      }));
}

/** `GET /v1/ops/summary` (admin). */
export function opsRoutes(platform: PlatformMetrics): OpenAPIHono<Env> {
  return apiModule().openapi(op.opsSummary, async (c) => {
    const { sql, now } = c.var.deps;
    return c.json(await opsSummary(sql, await scrape(c.var.deps, platform), now()), 200);
  });
}
