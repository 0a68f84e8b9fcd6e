import type { Sql } from "../../shared/db/db.ts";
import { analytics, applyAnalytics } from "./service.ts";

/** How `./berth projections rebuild analytics` rebuilds the KPI tables (cli/projections.ts). */
export const analyticsReplay = {
  name: "analytics",
  service: analytics,
  searchPath: "analytics_rebuild, public",
  apply: applyAnalytics,
  async createShadow(sql: Sql): Promise<void> {
    await sql`drop schema if exists analytics_rebuild cascade`;
    await sql`create schema analytics_rebuild`;
    await sql`create table analytics_rebuild.kpi_capacity (like analytics.kpi_capacity including all)`;
    await sql`
      create table analytics_rebuild.kpi_reservations (like analytics.kpi_reservations including all)`;
    await sql`create table analytics_rebuild.kpi_nights (like analytics.kpi_nights including all)`;
    await sql`create table analytics_rebuild.kpi_daily (like analytics.kpi_daily including all)`;
  },
  async lockLive(tx: Sql): Promise<void> {
    await tx`
      lock table analytics.kpi_capacity, analytics.kpi_reservations, analytics.kpi_nights,
        analytics.kpi_daily in share row exclusive mode`;
  },
  async copyIn(tx: Sql): Promise<void> {
    await tx`delete from analytics.kpi_capacity`;
    await tx`insert into analytics.kpi_capacity select * from analytics_rebuild.kpi_capacity`;
    await tx`delete from analytics.kpi_reservations`;
    await tx`insert into analytics.kpi_reservations select * from analytics_rebuild.kpi_reservations`;
    await tx`delete from analytics.kpi_nights`;
    await tx`insert into analytics.kpi_nights select * from analytics_rebuild.kpi_nights`;
    await tx`delete from analytics.kpi_daily`;
    await tx`insert into analytics.kpi_daily select * from analytics_rebuild.kpi_daily`;
  },
  async dropShadow(sql: Sql): Promise<void> {
    await sql`drop schema if exists analytics_rebuild cascade`;
  },
  /** The live projection in a stable order, for comparisons. */
  async snapshot(sql: Sql): Promise<unknown> {
    return [
      await sql`select * from analytics.kpi_capacity order by resource_id, date`,
      await sql`select * from analytics.kpi_reservations order by reservation_id`,
      await sql`select * from analytics.kpi_nights order by reservation_id, resource_id, date`,
      await sql`select * from analytics.kpi_daily order by property_id, day`,
    ];
  },
};
