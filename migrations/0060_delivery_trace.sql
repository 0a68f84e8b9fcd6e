-- Tracing: a queued notification keeps the W3C trace context (traceparent, tracestate) of the
-- span its event was applied in, so the dispatcher's send continues that event's trace. Null
-- when the event was not traced.
alter table notifications.deliveries add column traceparent text, add column tracestate text;
