/**
 * Tracing: spans through `@opentelemetry/api`, exported as OTLP by Deno's built-in OpenTelemetry
 * when a process runs with `OTEL_DENO=true`, and the W3C trace context carried with every event
 * (envelope, NATS headers), so a booking's path through the services is one trace.
 * @module
 */
export {
  activeTraceContext,
  activeTraceId,
  annotateSpan,
  failSpan,
  inSpan,
  renameActiveSpan,
  reportTracing,
  SpanKind,
  type SpanOptions,
  startSpan,
  type TraceContext,
  traceContextOf,
  tracing,
  tracingEnv,
  withContext,
} from "./tracing.ts";
export { messageTraceContext, traceHeaders } from "./nats.ts";
