/** Consumer lag as /metrics reports it (the same reading as loadtests/lib/lag.js). */

/** Metric names that count as lag: consumer pending counts and the unpublished outbox. */
export const LAG_METRICS =
  /^berth_(consumer_(lag|pending|num_pending|ack_pending)|outbox_(backlog|unpublished|pending))/;

/** Sums the lag series of a Prometheus text exposition; `found` is false when there are none. */
export function parseLag(text: string): { lag: number; found: boolean } {
  let lag = 0;
  let found = false;
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    if (!LAG_METRICS.test(line.split(/[{ ]/, 1)[0])) continue;
    found = true;
    lag += Number(line.slice(line.lastIndexOf(" ") + 1)) || 0;
  }
  return { lag, found };
}

/** Reads the lag from `${url}/metrics`; `found: false` when unreachable or not exported. */
export async function readLag(url: string, key: string): Promise<{ lag: number; found: boolean }> {
  try {
    const res = await fetch(`${url}/metrics`, { headers: { Authorization: `Bearer ${key}` } });
    return res.ok ? parseLag(await res.text()) : { lag: -1, found: false };
  } catch {
    return { lag: -1, found: false };
  }
}

/**
 * Waits until the lag is 0 (or `timeoutMs` passes) so one scenario's backlog does not land in
 * the next one's figures. Returns the lag it stopped at, or null when /metrics shows none.
 */
export async function settle(
  url: string,
  key: string,
  timeoutMs: number,
  say: (m: string) => void,
): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  let told = 0;
  for (;;) {
    const { lag, found } = await readLag(url, key);
    if (!found) return null;
    if (lag === 0 || Date.now() > deadline) return lag;
    if (Date.now() - told > 10_000) {
      say(`bench: waiting for the consumers to catch up (lag ${lag})`);
      told = Date.now();
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
