/**
 * Tracing of consumed events: one CONSUMER span per event and try, child of the span that made
 * the event (the `traceparent` header the relay copied from its envelope), so a booking's path
 * through the services is one trace however its events were batched. A batch applies many
 * events of many traces in one transaction: each event's span covers the batch it was applied
 * in and says how many events that held (`messaging.batch.message_count`). (One span per batch
 * with a link to each event would put every consumer's work outside the booking's trace, where
 * a trace viewer shows only a link to follow, one trace per hop.)
 */
import type { JsMsg } from "@nats-io/jetstream";
import type { Context, Span } from "@opentelemetry/api";
import type { Envelope } from "../../shared/events/mod.ts";
import type { TraceContext } from "../../shared/tracing/mod.ts";
import {
  activeTraceContext,
  failSpan,
  messageTraceContext,
  SpanKind,
  startSpan,
  tracing,
  withContext,
} from "../../shared/tracing/mod.ts";
import type { Applied } from "./batch.ts";

/** The context of the span each event is being applied in, by its envelope (one per service). */
const processing = new WeakMap<Envelope, Context>();

/** The spans of one batch: ended with each event's outcome, or failed with the batch's error. */
export interface EventSpans {
  end(outcomes: Applied[]): void;
  fail(err: unknown): void;
}

/** Starts the span of each event of a batch; null when not tracing. */
export function startEventSpans(
  service: string,
  items: { event: Envelope; msg: JsMsg }[],
): EventSpans | null {
  if (!tracing) return null;
  const spans: { event: Envelope; span: Span }[] = [];
  for (const { event, msg } of items) {
    const started = startSpan(`${service} process ${event.type}`, {
      kind: SpanKind.CONSUMER,
      parent: messageTraceContext(msg.headers),
      attributes: {
        "messaging.system": "nats",
        "messaging.operation.type": "process",
        "messaging.destination.name": msg.subject,
        "messaging.consumer.group.name": msg.info.consumer,
        "messaging.message.id": event.id,
        "messaging.batch.message_count": items.length,
        "berth.service": service,
        "berth.event.type": event.type,
        "berth.property_id": event.propertyId,
        "berth.correlation_id": event.correlationId,
        "berth.deliveries": msg.info.deliveryCount,
      },
    })!; // tracing: a span each
    processing.set(event, started.context);
    spans.push({ event, span: started.span });
  }
  const finish = (each: (span: Span, i: number) => void) =>
    spans.forEach(({ event, span }, i) => {
      each(span, i);
      span.end();
      processing.delete(event);
    });
  return {
    end: (outcomes) =>
      finish((span, i) => {
        const o = outcomes[i];
        span.setAttribute("berth.outcome", typeof o === "string" ? o : "deferred");
      }),
    fail: (err) => finish((span) => failSpan(span, err)),
  };
}

/**
 * Runs `fn` in the span `event` is being applied in (so what it emits or calls continues the
 * event's trace); outside one, just `fn()`.
 */
export function withinEvent<T>(event: Envelope, fn: () => T): T {
  const ctx = processing.get(event);
  return ctx ? withContext(ctx, fn) : fn();
}

/** The trace context of the span `event` is being applied in; empty outside one. */
export function eventTraceContext(event: Envelope): TraceContext {
  return withinEvent(event, activeTraceContext);
}
