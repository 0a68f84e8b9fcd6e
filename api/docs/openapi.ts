import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "../http/mod.ts";
import { VERSION } from "../version.ts";
import { problem } from "../http/mod.ts";
import type { RouteOf } from "../../shared/metrics/mod.ts";

/** An OpenAPI 3.1 document as `/openapi.json` serves it. */
export type OpenApiDocument = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;

const description = `Book seats, room-nights and units.

Money is an integer in minor units of the property's currency (\`12000\` is 120.00 EUR). Dates are
\`YYYY-MM-DD\`; \`[from, to)\` is nights for rooms and days for units, and a show is one date.

Every error is \`application/problem+json\` (RFC 9457) with a stable \`code\` to branch on; each
operation lists the statuses and codes it can answer. Besides those, a path that exists answers a
method it does not take with 405 \`method_not_allowed\` and an \`Allow\` header, and any other path
is 404 \`not_found\`.

Send \`Authorization: Bearer <api key>\`. An \`admin\` key manages properties, resources, inventory,
rates, webhooks and keys and sees every reservation; a \`client\` key books and sees or changes only
the reservations made with it.`;

/**
 * The OpenAPI 3.1 document of `app`: every operation declared on it (`api/http/openapi.ts`),
 * with the API key scheme and what every operation shares.
 */
export function openApiDocument(app: OpenAPIHono<Env>): OpenApiDocument {
  app.openAPIRegistry.register("Problem", problem);
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description: "`Authorization: Bearer <api key>`",
  });
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "berth",
      version: VERSION,
      description,
    },
    servers: [{ url: "/" }],
    security: [{ apiKey: [] }],
    tags: [
      { name: "catalogue", description: "Properties, resources, inventory and availability" },
      { name: "reservations", description: "Booking, reading, changing; a user's history" },
      { name: "rates", description: "Dynamic pricing" },
      { name: "webhooks", description: "Signed event deliveries to your endpoints" },
      { name: "keys", description: "API keys and their roles" },
      { name: "analytics", description: "KPIs per day" },
      { name: "audit", description: "The hash-chained log of every event" },
      { name: "ops", description: "Health, readiness, metrics and this reference" },
    ],
  });
}

const methods = ["get", "post", "put", "patch", "delete"] as const;

/** Every operation of `doc` as Hono names its route, with its first success status (metrics). */
export function documentedRoutes(doc: OpenApiDocument): RouteOf[] {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    methods.filter((m) => item[m]).map((m) => ({
      method: m.toUpperCase(),
      route: path.replace(/\{(\w+)\}/g, ":$1"),
      status: Number(Object.keys(item[m]!.responses ?? {}).find((s) => s.startsWith("2"))),
    }))
  );
}
