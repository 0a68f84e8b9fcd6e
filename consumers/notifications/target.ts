/** Whether berth may call a webhook URL now: its form, its host, and what DNS says the host is. */
import {
  ipOfHost,
  nonPublicRange,
  privateHostProblem,
  webhookUrlProblem,
} from "../../shared/net/mod.ts";
import type { SendResult } from "./policy.ts";

const refuse = (why: string): SendResult => ({
  ok: false,
  error: `refused: ${why}`,
  permanent: true,
});

/**
 * A failed result when berth must not call `url`, else null. A malformed URL, and unless
 * `allowPrivate` a host that is, or resolves (A and AAAA) to, a non-public address, is refused
 * for good (`permanent`); a name that cannot be resolved now is a failure to retry.
 *
 * fetch then connects by name and resolves it again: a DNS server that answers differently the
 * second time (rebinding) is not caught here.
 */
export async function refusedTarget(
  url: string,
  opts: { allowPrivate: boolean; signal?: AbortSignal },
): Promise<SendResult | null> {
  const form = webhookUrlProblem(url);
  if (form) return refuse(`the URL ${form}`);
  if (opts.allowPrivate) return null;
  const { hostname } = new URL(url);
  const host = privateHostProblem(hostname);
  if (host) return refuse(host);
  if (ipOfHost(hostname) !== null) return null;
  const answers = await Promise.allSettled(
    (["A", "AAAA"] as const).map((type) =>
      Deno.resolveDns(hostname, type, { signal: opts.signal })
    ),
  );
  const failed = answers.find((a) =>
    a.status === "rejected" && !(a.reason instanceof Deno.errors.NotFound)
  ) as PromiseRejectedResult | undefined;
  const addresses = answers.flatMap((a) => a.status === "fulfilled" ? a.value : []);
  if (failed || addresses.length === 0) {
    const why = failed ? `: ${failed.reason?.message ?? failed.reason}` : "";
    return {
      ok: false,
      error: `no answer: ${hostname} does not resolve${why}`.slice(0, 500),
      unhealthy: true,
    };
  }
  for (const ip of addresses) {
    const range = nonPublicRange(ip);
    if (range) return refuse(`${hostname} resolves to ${ip}, a ${range} address`);
  }
  return null;
}
