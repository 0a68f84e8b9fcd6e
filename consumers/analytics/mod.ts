/** The analytics service: per-property, per-day KPI tables projected from the events. */
export { analytics, analyticsEvents, applyAnalytics } from "./service.ts";
export { analyticsReplay } from "./replay.ts";
export type { Night } from "./nights.ts";
export { leadDays, nightsOf, utcDay } from "./nights.ts";
