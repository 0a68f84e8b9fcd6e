import type { Context } from "hono";

/** The route a request matched, as declared (`/v1/reservations/:id`), or `unmatched`. */
export function routeOf(c: Context): string {
  return c.req.matchedRoutes.filter((r) => r.method !== "ALL").at(-1)?.path ?? "unmatched";
}
