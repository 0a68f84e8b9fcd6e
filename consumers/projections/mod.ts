/**
 * Projections rebuilt from events (analytics, audit, booking history): their tables, the
 * shadow a rebuild fills, and the daily snapshots a rebuild starts from once the streams no
 * longer hold every event. The rebuild itself is `./berth projections rebuild` (cli/projections.ts).
 */
import { analyticsReplay } from "../analytics/mod.ts";
import { auditReplay } from "../audit/mod.ts";
import { historyReplay } from "../history/mod.ts";
import type { Projection } from "./projection.ts";

export * from "./projection.ts";
export * from "./snapshot.ts";

/** Every projection `./berth projections` knows, by name. */
export const projections: Record<string, Projection> = {
  analytics: analyticsReplay,
  audit: auditReplay,
  history: historyReplay,
};
