import type { Deps } from "../http/mod.ts";
import { ApiError } from "../http/mod.ts";
import type { PlatformMetrics, Registry } from "../../shared/metrics/mod.ts";
import { readSocket } from "../../shared/metrics/mod.ts";

/** How long a scrape waits for the hub, which waits up to a second for each process. */
const HUB_TIMEOUT_MS = 3000;

/**
 * Every process's metrics summed: the hub's answer when `up` runs one (BERTH_METRICS_HUB), else
 * this process's own. A hub that does not answer is a 503: this process's figures alone would
 * make the platform's counters jump.
 */
async function processMetrics(registry: Registry, hub: string | undefined): Promise<string> {
  if (!hub) return await registry.metrics();
  try {
    return await readSocket(hub, HUB_TIMEOUT_MS);
  } catch (err) {
    throw new ApiError(
      503,
      "metrics_unavailable",
      `the metrics hub did not answer: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/**
 * What `/metrics` answers, as Prometheus text: every process's metrics summed and the platform's
 * gauges read from Postgres and JetStream. The ops page reads the same.
 */
export async function scrape(deps: Deps, platform: PlatformMetrics): Promise<string> {
  const [processes, shared] = await Promise.all([
    processMetrics(deps.registry, deps.config.BERTH_METRICS_HUB),
    platform.metrics(),
  ]);
  return `${processes}\n${shared}`;
}
