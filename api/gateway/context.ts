import type { MiddlewareHandler } from "hono";
import { uuidv7 } from "../../shared/ids/mod.ts";
import { withLogContext } from "../../shared/log/mod.ts";
import { activeTraceId } from "../../shared/tracing/mod.ts";

const safeId = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Request and correlation ids: `X-Request-Id` when the caller sends a sane one, else a new
 * one; the correlation id is the W3C `traceparent` trace id, else `X-Correlation-Id`, else
 * (when tracing) the trace id of the request's span, else the request id. Both are echoed
 * back and attached to every log line of the request.
 */
export function requestContext(): MiddlewareHandler {
  return async (c, next) => {
    const given = c.req.header("x-request-id");
    const requestId = given && safeId.test(given) ? given : uuidv7();
    const trace = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(
      c.req.header("traceparent") ?? "",
    );
    const corr = c.req.header("x-correlation-id");
    const correlationId = trace?.[1] ??
      (corr && safeId.test(corr) ? corr : activeTraceId() ?? requestId);
    c.set("requestId", requestId);
    c.set("correlationId", correlationId);
    c.header("X-Request-Id", requestId);
    c.header("X-Correlation-Id", correlationId);
    await withLogContext({ requestId, correlationId }, () => next());
  };
}
