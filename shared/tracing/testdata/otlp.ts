/**
 * An OTLP/HTTP receiver in-process for tests: it keeps the spans POSTed to `/v1/traces` in the
 * JSON protocol (`OTEL_EXPORTER_OTLP_PROTOCOL=http/json`) and accepts every other signal (logs,
 * metrics) unread.
 */

/** OTLP span kinds as the JSON protocol numbers them. */
export const Kind = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

/** A span as received, with the `service.name` of the process that sent it. */
export interface ReceivedSpan {
  service: string;
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  attributes: Record<string, unknown>;
  /** 0 unset, 1 ok, 2 error. */
  status: number;
}

interface KeyValue {
  key: string;
  value: Record<string, unknown>;
}

interface ExportRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: {
      spans?: {
        name: string;
        kind?: number;
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        attributes?: KeyValue[];
        status?: { code?: number };
      }[];
    }[];
  }[];
}

/** `[{key, value: {stringValue: "x"}}]` as `{key: "x"}` (64-bit integers come as strings). */
function attributesOf(list: KeyValue[] = []): Record<string, unknown> {
  return Object.fromEntries(list.map(({ key, value }) => {
    const v = Object.values(value)[0];
    return [key, "intValue" in value ? Number(v) : v];
  }));
}

/** Starts the receiver on a free loopback port. */
export function otlpReceiver() {
  const spans: ReceivedSpan[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    if (req.method === "POST" && new URL(req.url).pathname === "/v1/traces") {
      const body = await req.json() as ExportRequest;
      for (const rs of body.resourceSpans ?? []) {
        const service = String(attributesOf(rs.resource?.attributes)["service.name"] ?? "");
        for (const s of (rs.scopeSpans ?? []).flatMap((ss) => ss.spans ?? [])) {
          spans.push({
            service,
            name: s.name,
            kind: s.kind ?? 0,
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId ?? "",
            attributes: attributesOf(s.attributes),
            status: s.status?.code ?? 0,
          });
        }
      }
    } else {
      await req.body?.cancel();
    }
    return Response.json({});
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    spans,
    close: () => server.shutdown(),
  };
}
