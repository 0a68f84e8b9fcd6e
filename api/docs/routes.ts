import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "../http/mod.ts";
import { apiModule } from "../http/mod.ts";
import type { OpenApiDocument } from "./openapi.ts";
import * as op from "./contract.ts";
import { docsPage } from "./page.ts";

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
