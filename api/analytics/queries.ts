/** Reads the analytics projection and computes the KPIs (docs/services.md defines each). */
import type { Sql } from "../../shared/db/mod.ts";

/** One day's KPIs as Postgres computed them: exact numerics, as text. */
export interface KpiRow {
  date: string;
  bookings: number;
  cancellations: number;
  sold: string;
  available: string;
  revenue: string;
  occupancy: string | null;
  adr: string | null;
  revpar: string | null;
  payment_success: string | null;
  lead_time: string | null;
}

/** KPIs per day of `[from, to)` for one property, every day present. */
export async function kpis(sql: Sql, propertyId: string, from: string, to: string) {
  return await sql<KpiRow[]>`
    with days as (
      select d::date as day from generate_series(${from}::date, ${to}::date - 1, interval '1 day') d
    ), cap as (
      select date, sum(total)::numeric as available from analytics.kpi_capacity
      where property_id = ${propertyId} and date >= ${from} and date < ${to} group by date
    ), sold as (
      select n.date, sum(n.quantity)::numeric as sold, sum(n.quantity * n.price)::numeric as revenue
      from analytics.kpi_nights n join analytics.kpi_reservations r using (reservation_id)
      where n.property_id = ${propertyId} and r.status = 'sold'
        and n.date >= ${from} and n.date < ${to}
      group by n.date
    ), k as (
      select * from analytics.kpi_daily
      where property_id = ${propertyId} and day >= ${from} and day < ${to}
    )
    select days.day::text as date,
      coalesce(k.bookings, 0) as bookings,
      coalesce(k.cancellations, 0) as cancellations,
      coalesce(s.sold, 0)::text as sold,
      coalesce(c.available, 0)::text as available,
      coalesce(s.revenue, 0)::text as revenue,
      case when c.available > 0 then round(100 * coalesce(s.sold, 0) / c.available, 2)::text end
        as occupancy,
      case when s.sold > 0 then round(s.revenue / s.sold)::text end as adr,
      case when c.available > 0 then round(coalesce(s.revenue, 0) / c.available)::text end
        as revpar,
      case when k.payments_authorized + k.payments_failed > 0 then
        round(100.0 * k.payments_authorized / (k.payments_authorized + k.payments_failed), 2)::text
      end as payment_success,
      case when k.bookings > 0 then round(k.lead_days_sum::numeric / k.bookings, 2)::text end
        as lead_time
    from days
      left join cap c on c.date = days.day
      left join sold s on s.date = days.day
      left join k on k.day = days.day
    order by days.day`;
}

/** The property's currency, or null when there is no such property. */
export async function propertyCurrency(sql: Sql, propertyId: string): Promise<string | null> {
  const [row] = await sql<{ currency: string }[]>`
    select currency from properties where id = ${propertyId}`;
  return row?.currency.trim() ?? null;
}
