/** What every api module is built with: operations declared once, problem+json, cursors, ETags. */
export { cursorParam, limitParam, pageOf, pageQuery, pageSchema, positionOf } from "./cursor.ts";
export type { Deps, Env } from "./env.ts";
export { assertIfMatch, contentEtag, ifMatchOf, withEtag } from "./etag.ts";
export { apiModule, json, operation, problem, problemJson } from "./openapi.ts";
export { ApiError, onError, onNotFound, statusOfKind } from "./problem.ts";
