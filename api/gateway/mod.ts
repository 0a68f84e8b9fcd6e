/** The edge middleware: request context and ids, API-key auth, rate limits, body limits, tracing. */
export { authenticate, keyResolver } from "./auth.ts";
export { readBody } from "./body.ts";
export { requestContext } from "./context.ts";
export { observe } from "./observe.ts";
export { rateLimit } from "./ratelimit.ts";
export { traceRoute } from "./trace.ts";
