import assert from "node:assert/strict";
import { makeEvent } from "../events/mod.ts";
import { inSpan, traceHeaders, tracing, tracingEnv } from "./mod.ts";
import { uuidv7 } from "../ids/mod.ts";

Deno.test("tracing env: nothing without OTEL_EXPORTER_OTLP_ENDPOINT", () => {
  assert.deepEqual(tracingEnv({}, "berth-api"), {});
  assert.deepEqual(tracingEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "" }, "berth-api"), {});
});

Deno.test("tracing env: with an endpoint, Deno's OpenTelemetry and the process's name", () => {
  const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" };
  assert.deepEqual(tracingEnv(endpoint, "berth-api"), {
    OTEL_DENO: "true",
    OTEL_SERVICE_NAME: "berth-api",
  });
  assert.equal(
    tracingEnv({ ...endpoint, OTEL_SERVICE_NAME: "bookings" }, "berth-api").OTEL_SERVICE_NAME,
    "bookings",
  );
});

Deno.test("not tracing: events carry no trace context and messages no trace headers", async () => {
  assert.equal(tracing, false, "the tests run without OTEL_DENO");
  const event = await inSpan("booking", {}, () =>
    Promise.resolve(
      makeEvent("inventory.updated", "p1", { resourceId: "r1", dates: [] }, {
        correlationId: "c1",
        now: new Date(),
        id: uuidv7(),
      }),
    ));
  assert.equal(event.traceparent, undefined);
  const traced = JSON.stringify({
    ...event,
    traceparent: `00-${"1".repeat(32)}-${"2".repeat(16)}-01`,
  });
  assert.equal(traceHeaders(traced), undefined);
});
