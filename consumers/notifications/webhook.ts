/** Posting a signed event to a webhook endpoint. */
import { SIGNATURE_HEADER, signPayload } from "./signature.ts";
import type { SendResult } from "./policy.ts";
import { refusedTarget } from "./target.ts";

/** One webhook request: the endpoint, the exact body, and what the headers name. */
export interface WebhookRequest {
  url: string;
  secret: string;
  body: string;
  deliveryId: string;
  eventId: string;
  eventType: string;
  attempt: number;
}

/** The headers of a delivery besides the signature. */
export const WebhookHeaders = {
  eventId: "Berth-Event-Id",
  eventType: "Berth-Event-Type",
  deliveryId: "Berth-Delivery-Id",
  attempt: "Berth-Delivery-Attempt",
} as const;

/**
 * POSTs the body with `Berth-Signature` computed at `now`. 2xx is success; redirects are not
 * followed (a 3xx is a failure); `signal` aborts the call (the breaker's timeout). A URL that is
 * malformed or, unless `allowPrivate`, points at a non-public address is not called: the result
 * is a permanent failure (see {@link refusedTarget}). Never throws.
 */
export async function postWebhook(
  req: WebhookRequest,
  opts: { now: Date; signal?: AbortSignal; fetch?: typeof fetch; allowPrivate?: boolean },
): Promise<SendResult> {
  const refused = await refusedTarget(req.url, {
    allowPrivate: opts.allowPrivate ?? false,
    signal: opts.signal,
  });
  if (refused) return refused;
  const headers = {
    "content-type": "application/json",
    "user-agent": "berth-webhooks/1",
    [SIGNATURE_HEADER]: await signPayload(req.secret, req.body, opts.now),
    [WebhookHeaders.eventId]: req.eventId,
    [WebhookHeaders.eventType]: req.eventType,
    [WebhookHeaders.deliveryId]: req.deliveryId,
    [WebhookHeaders.attempt]: String(req.attempt),
  };
  try {
    const res = await (opts.fetch ?? fetch)(req.url, {
      method: "POST",
      headers,
      body: req.body,
      redirect: "manual",
      signal: opts.signal,
    });
    await res.body?.cancel().catch(() => {});
    if (res.status >= 200 && res.status < 300) return { ok: true, statusCode: res.status };
    return {
      ok: false,
      statusCode: res.status,
      error: `answered ${res.status}`,
      unhealthy: res.status >= 500 || res.status === 429,
    };
  } catch (err) {
    return {
      ok: false,
      error: `no answer: ${(err as Error)?.message ?? err}`.slice(0, 500),
      unhealthy: true,
    };
  }
}
