/**
 * Spans through `@opentelemetry/api`, exported by Deno's built-in OpenTelemetry: a process
 * started with `OTEL_DENO=true` (what `./berth up` adds when `OTEL_EXPORTER_OTLP_ENDPOINT` is
 * set) registers Deno's tracer, W3C propagators and context, and sends OTLP to that endpoint.
 * Without it the API is a no-op and every helper here returns at once: no span, no trace field.
 */
import type { Attributes, Context, Span } from "@opentelemetry/api";
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { log } from "../log/mod.ts";

export { SpanKind };

/**
 * A W3C trace context as berth carries it from a producer to its consumers: in an event's
 * envelope (the outbox row), in NATS message headers, in a queued notification.
 */
export interface TraceContext {
  traceparent?: string;
  tracestate?: string;
}

/** True in a process that exports traces (Deno's OpenTelemetry registered its propagators). */
export const tracing: boolean = propagation.fields().length > 0;

const tracer = trace.getTracer("berth");

/** The active span's trace context; empty without one (or when not tracing). */
export function activeTraceContext(): TraceContext {
  if (!tracing) return {};
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return traceContextOf(carrier);
}

/** The trace fields of a carrier (envelope, headers, row), leaving out empty ones. */
export function traceContextOf(
  carrier: { traceparent?: string | null; tracestate?: string | null },
): TraceContext {
  const out: TraceContext = {};
  if (carrier.traceparent) out.traceparent = carrier.traceparent;
  if (carrier.tracestate) out.tracestate = carrier.tracestate;
  return out;
}

/** The trace id of the active span, when there is one. */
export function activeTraceId(): string | undefined {
  if (!tracing) return undefined;
  const span = trace.getActiveSpan();
  return span?.isRecording() ? span.spanContext().traceId : undefined;
}

/** What a span is: its kind, its attributes, and its parent when not the active span. */
export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** A remote parent (a malformed or missing `traceparent` starts a new trace). */
  parent?: TraceContext;
}

/**
 * Starts a span, child of `opts.parent` or else of the active span; returns it with the
 * context to run its work in. Not tracing: null.
 */
export function startSpan(
  name: string,
  opts: SpanOptions = {},
): { span: Span; context: Context } | null {
  if (!tracing) return null;
  const parent = opts.parent ? propagation.extract(ROOT_CONTEXT, opts.parent) : context.active();
  const span = tracer.startSpan(name, { kind: opts.kind, attributes: opts.attributes }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/**
 * Runs `fn` in a new span and ends the span when `fn` settles; a throw marks the span as failed.
 * Not tracing: just `fn()`.
 */
export async function inSpan<T>(name: string, opts: SpanOptions, fn: () => Promise<T>): Promise<T> {
  const started = startSpan(name, opts);
  if (!started) return await fn();
  try {
    return await context.with(started.context, fn);
  } catch (err) {
    failSpan(started.span, err);
    throw err;
  } finally {
    started.span.end();
  }
}

/** Runs `fn` with `ctx` as the active context (a span's, from {@link startSpan}). */
export function withContext<T>(ctx: Context, fn: () => T): T {
  return context.with(ctx, fn);
}

/** Adds attributes to the active span; with `error`, marks it as failed. */
export function annotateSpan(attributes: Attributes, error?: string): void {
  if (!tracing) return;
  const span = trace.getActiveSpan();
  if (!span) return;
  span.setAttributes(attributes);
  if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
}

/** Names the active span (the request's server span: by its route rather than its method). */
export function renameActiveSpan(name: string, attributes: Attributes = {}): void {
  if (!tracing) return;
  const span = trace.getActiveSpan();
  span?.updateName(name);
  span?.setAttributes(attributes);
}

/** Records `err` on `span` and marks it as failed. */
export function failSpan(span: Span, err: unknown): void {
  if (err instanceof Error) span.recordException(err);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
  });
}

/**
 * The environment that turns tracing on in a process berth starts: with
 * `OTEL_EXPORTER_OTLP_ENDPOINT` set, `OTEL_DENO=true` and a service name (unless one is given);
 * without it, nothing.
 */
export function tracingEnv(
  env: Record<string, string | undefined>,
  service: string,
): Record<string, string> {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return {};
  return { OTEL_DENO: "true", OTEL_SERVICE_NAME: env.OTEL_SERVICE_NAME || service };
}

/**
 * Says at start-up where this process's traces go; warns when `OTEL_EXPORTER_OTLP_ENDPOINT` is
 * set but the process was started without `OTEL_DENO=true` (then nothing is traced).
 */
export function reportTracing(endpoint: string | undefined): void {
  if (tracing) log.info("tracing", { endpoint: endpoint ?? "Deno's default" });
  else if (endpoint) {
    log.warn("OTEL_EXPORTER_OTLP_ENDPOINT is set, but without OTEL_DENO=true nothing is traced");
  }
}
