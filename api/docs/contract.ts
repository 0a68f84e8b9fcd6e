/** The reference's own operations (see `api/http/openapi.ts` for the style). */
import { z } from "zod";
import { json, operation } from "../http/mod.ts";

export const openApiJson = operation({
  method: "get",
  path: "/openapi.json",
  operationId: "getOpenApiDocument",
  tags: ["ops"],
  summary: "This reference as OpenAPI 3.1",
  role: "public",
  responses: {
    200: json(z.record(z.string(), z.unknown()), "the OpenAPI 3.1 document"),
  },
});

export const docsPage = operation({
  method: "get",
  path: "/docs",
  operationId: "getDocsPage",
  tags: ["ops"],
  summary: "This reference as a page: every operation with its schemas, errors and an example",
  role: "public",
  responses: {
    200: {
      description: "a self-contained HTML page (no scripts)",
      content: { "text/html": { schema: z.string() } },
    },
  },
});
