/**
 * Tracing: spans through `@opentelemetry/api`, exported as OTLP by Deno's built-in OpenTelemetry
 * when a process runs with `OTEL_DENO=true`, and the W3C trace context carried with every event
 * (envelope, NATS headers), so a booking's path through the services is one trace.
 * @module
 */
export type { SpanOptions, TraceContext } from "./tracing.ts";
export {
  activeTraceContext,
  activeTraceId,
  annotateSpan,
  failSpan,
  inSpan,
  renameActiveSpan,
  reportTracing,
  SpanKind,
  startSpan,
  traceContextOf,
  tracing,
  tracingEnv,
  withContext,
} from "./tracing.ts";
export { messageTraceContext, traceHeaders } from "./nats.ts";
