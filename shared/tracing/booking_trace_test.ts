import assert from "node:assert/strict";
import { booking, seedCatalogue } from "../../testing/app.ts";
import { eventually, integration } from "../../testing/mod.ts";
import type { ReceivedSpan } from "./testdata/otlp.ts";
import { Kind, otlpReceiver } from "./testdata/otlp.ts";
import { tracedPlatform } from "./testdata/platform.ts";

const hex = (bytes: number) =>
  Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0"))
    .join("");

/** The spans of a booking's path, by what they stand for; throws what is still missing. */
function chainOf(spans: ReceivedSpan[], traceId: string) {
  const trace = spans.filter((s) => s.traceId === traceId);
  const find = (kind: number, name: string) =>
    trace.find((s) => s.kind === kind && s.name === name);
  const chain = {
    request: find(Kind.server, "POST /v1/reservations"),
    payment: find(Kind.consumer, "payments process reservation.created"),
    provider: find(Kind.client, "payment provider authorize"),
    confirmation: find(Kind.consumer, "reservations process payment.authorized"),
    notification: find(Kind.consumer, "notifications process reservation.confirmed"),
    email: find(Kind.client, "notifications send email"),
  };
  const missing = Object.entries(chain).filter(([, s]) => !s).map(([k]) => k);
  if (missing.length) throw new Error(`no span yet for ${missing.join(", ")}`);
  // Spans are exported as they end, a child often before its parent: wait for every parent.
  const ids = new Set(trace.map((s) => s.spanId));
  const orphans = trace.filter((s) => s !== chain.request && !ids.has(s.parentSpanId));
  if (orphans.length) throw new Error(`no parent for ${orphans.map((s) => s.name).join(", ")}`);
  return { ...chain as Record<keyof typeof chain, ReceivedSpan>, trace };
}

integration(
  "tracing: a booking is one trace from the client's request through payment and confirmation to the e-mail",
  async () => {
    const otlp = otlpReceiver();
    const p = await tracedPlatform(otlp.url);
    try {
      const { propertyId, roomId } = await seedCatalogue(p.call);
      const traceId = hex(16);
      const clientSpan = hex(8);
      const r = await p.call(
        "POST",
        "/v1/reservations",
        booking(propertyId, [{ resourceId: roomId, from: "2030-06-01", to: "2030-06-03" }]),
        { "idempotency-key": "traced-booking", traceparent: `00-${traceId}-${clientSpan}-01` },
      );
      assert.equal(r.status, 201);
      assert.equal(r.headers.get("x-correlation-id"), traceId);
      await eventually(() => Promise.resolve(p.smtp.mails.length === 1), 30_000, "e-mail sent");

      const c = await eventually(
        () => Promise.resolve(chainOf(otlp.spans, traceId)),
        30_000,
        "the booking's chain, every span with its parent",
      );
      // The api continues the client's trace; each service continues the one before it.
      assert.equal(c.request.parentSpanId, clientSpan);
      assert.equal(c.request.service, "berth-api");
      assert.equal(c.request.attributes["http.route"], "/v1/reservations");
      assert.equal(c.payment.parentSpanId, c.request.spanId);
      assert.equal(c.provider.parentSpanId, c.payment.spanId);
      assert.equal(c.provider.attributes["berth.payment.answer"], "authorized");
      assert.equal(c.confirmation.parentSpanId, c.payment.spanId);
      assert.equal(c.notification.parentSpanId, c.confirmation.spanId);
      assert.equal(c.email.parentSpanId, c.notification.spanId);
      assert.equal(c.email.attributes["berth.delivery.ok"], true);
      for (const s of [c.payment, c.confirmation, c.notification, c.email]) {
        assert.equal(s.service, "berth-workers", s.name);
        assert.equal(s.attributes["berth.correlation_id"], traceId, s.name);
      }
      // Every service that consumes the booking's events does so inside the same trace.
      const consumers = new Set(
        c.trace.filter((s) => s.kind === Kind.consumer).map((s) => s.attributes["berth.service"]),
      );
      for (const service of ["payments", "reservations", "notifications", "audit", "history"]) {
        assert.ok(consumers.has(service), `${service} in the trace`);
      }

      // A malformed traceparent is no error: the booking starts a trace of its own.
      const bad = await p.call(
        "POST",
        "/v1/reservations",
        booking(propertyId, [{ resourceId: roomId, from: "2030-06-03", to: "2030-06-04" }]),
        { "idempotency-key": "badly-traced-booking", traceparent: `00-${traceId}-zz-01` },
      );
      assert.equal(bad.status, 201);
      const newTrace = bad.headers.get("x-correlation-id")!;
      assert.match(newTrace, /^[0-9a-f]{32}$/);
      assert.notEqual(newTrace, traceId);
      const own = await eventually(
        () => Promise.resolve(chainOf(otlp.spans, newTrace)),
        30_000,
        "the second booking's chain",
      );
      assert.equal(own.request.parentSpanId, "");
    } finally {
      await p.close();
      await otlp.close();
    }
  },
);
