/**
 * Projections rebuilt from events (analytics, audit, booking history): their tables, the
 * shadow a rebuild fills, and the daily snapshots a rebuild starts from once the streams no
 * longer hold every event. The rebuild itself is `./berth projections rebuild` (cli/projections.ts);
 * the projections it knows are listed in consumers/roster.ts.
 */
export * from "./projection.ts";
export * from "./snapshot.ts";
