/** API keys: roles, hashing, storage and the admin routes. */
export * from "./keys.ts";
export { findActiveKey } from "./queries.ts";
export { keyRoutes } from "./routes.ts";
