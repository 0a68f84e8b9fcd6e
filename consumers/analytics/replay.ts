import type { Sql } from "../../shared/db/db.ts";
import type { Projection } from "../projections/projection.ts";
import { analytics, applyAnalytics } from "./service.ts";

/** How `./berth projections rebuild analytics` rebuilds the KPI tables (cli/projections.ts). */
export const analyticsReplay: Projection = {
  name: "analytics",
  service: analytics,
  schema: "analytics",
  tables: ["kpi_capacity", "kpi_reservations", "kpi_nights", "kpi_daily"],
  apply: applyAnalytics,
  async rows(sql: Sql): Promise<unknown> {
    return [
      await sql`select * from analytics.kpi_capacity order by resource_id, date`,
      await sql`select * from analytics.kpi_reservations order by reservation_id`,
      await sql`select * from analytics.kpi_nights order by reservation_id, resource_id, date`,
      await sql`select * from analytics.kpi_daily order by property_id, day`,
    ];
  },
};
