/** The api's reference: the OpenAPI document built from every declared operation, and /docs. */
export { documentedRoutes, openApiDocument } from "./openapi.ts";
export type { OpenApiDocument } from "./openapi.ts";
export { docsRoutes } from "./routes.ts";
