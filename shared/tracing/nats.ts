import type { MsgHdrs } from "@nats-io/transport-node";
import { headers } from "@nats-io/transport-node";
import type { TraceContext } from "./tracing.ts";
import { traceContextOf, tracing } from "./tracing.ts";

/**
 * The NATS headers that carry an event's trace context (`traceparent`, `tracestate`, as W3C
 * names them) from its envelope, the outbox row's payload; none when not tracing or the event
 * has no context.
 */
export function traceHeaders(payload: string): MsgHdrs | undefined {
  if (!tracing) return undefined;
  const t = traceContextOf(JSON.parse(payload));
  if (!t.traceparent) return undefined;
  const h = headers();
  h.set("traceparent", t.traceparent);
  if (t.tracestate) h.set("tracestate", t.tracestate);
  return h;
}

/** The trace context a received message carries in its headers. */
export function messageTraceContext(h: MsgHdrs | undefined): TraceContext {
  if (!h) return {};
  return traceContextOf({ traceparent: h.get("traceparent"), tracestate: h.get("tracestate") });
}
