import { projectionOf } from "../projections/mod.ts";
import { analytics, applyAnalytics } from "./service.ts";

/** How `./berth projections rebuild analytics` rebuilds the KPI tables (cli/projections.ts). */
export const analyticsReplay = projectionOf(analytics, applyAnalytics, [
  { name: "kpi_capacity", orderBy: ["resource_id", "date"] },
  { name: "kpi_reservations", orderBy: ["reservation_id"] },
  { name: "kpi_nights", orderBy: ["reservation_id", "resource_id", "date"] },
  { name: "kpi_daily", orderBy: ["property_id", "day"] },
]);
