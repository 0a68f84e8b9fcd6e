/** A webhook receiver for tests: `Deno.serve` on a free loopback port that checks signatures. */
import { SIGNATURE_HEADER, verifySignature } from "../signature.ts";
import { WebhookHeaders } from "../webhook.ts";

/** One request as the receiver saw it. */
export interface ReceivedHook {
  path: string;
  eventId: string | null;
  eventType: string | null;
  deliveryId: string | null;
  attempt: number;
  signatureOk: boolean;
  problem?: string;
  // deno-lint-ignore no-explicit-any -- the event envelope, as JSON
  body: any;
  raw: string;
  headers: Headers;
  answered: number;
}

/**
 * Each path answers by its own script: `answers(path)` gives the status for the n-th request
 * (or "hang" to never answer). The secret used to verify a path is set with `secretFor`.
 */
export function testReceiver(answers: (path: string, n: number) => number | "hang" = () => 200) {
  const received: ReceivedHook[] = [];
  const secrets = new Map<string, string>();
  const counts = new Map<string, number>();
  const hanging = new AbortController();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    const raw = await req.text();
    const n = (counts.get(path) ?? 0) + 1;
    counts.set(path, n);
    const check = await verifySignature(
      secrets.get(path) ?? "",
      req.headers.get(SIGNATURE_HEADER),
      raw,
    );
    const answer = answers(path, n);
    received.push({
      path,
      eventId: req.headers.get(WebhookHeaders.eventId),
      eventType: req.headers.get(WebhookHeaders.eventType),
      deliveryId: req.headers.get(WebhookHeaders.deliveryId),
      attempt: Number(req.headers.get(WebhookHeaders.attempt)),
      signatureOk: check.ok,
      problem: check.ok ? undefined : check.problem,
      body: JSON.parse(raw),
      raw,
      headers: req.headers,
      answered: answer === "hang" ? 0 : answer,
    });
    if (answer === "hang") {
      await new Promise((r) => hanging.signal.addEventListener("abort", r, { once: true }));
      return new Response(null, { status: 503 });
    }
    // A receiver rejects what it cannot verify, whatever the script says.
    if (!check.ok) return new Response(check.problem, { status: 401 });
    return new Response(null, { status: answer });
  });
  return {
    base: `http://127.0.0.1:${server.addr.port}`,
    received,
    secretFor(path: string, secret: string) {
      secrets.set(path, secret);
    },
    async close() {
      hanging.abort();
      await server.shutdown();
    },
  };
}
