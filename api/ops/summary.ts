/**
 * What the ops page shows, read at each poll: the platform's counters and gauges from the same
 * scrape as `/metrics` (every process summed), and occupancy of the coming days from Postgres.
 * Counters are totals since `up` started; the page turns two polls into rates.
 */
import type { Sql } from "../../shared/db/mod.ts";
import type { Scrape } from "../../shared/metrics/mod.ts";
import { parseScrape, seriesOf, sumOf } from "../../shared/metrics/mod.ts";
import { addDays } from "../../shared/booking/mod.ts";
import type { z } from "zod";
import type { summary } from "./contract.ts";

/** Days of occupancy shown, today (at each property) first. */
export const OCCUPANCY_DAYS = 7;
/** Properties shown: those with the most units held and sold over those days. */
export const OCCUPANCY_PROPERTIES = 12;

/** What the ops page shows, as the operation declares it (`contract.ts`). */
export type OpsSummary = z.infer<typeof summary>;
/** One property's occupancy over `OCCUPANCY_DAYS` days from its today (no inventory: total 0). */
type OccupancyRow = OpsSummary["occupancy"][number];

/** The scrape's part of the summary (everything but the time and occupancy). */
export function fromScrape(
  s: Scrape,
): Omit<OpsSummary, "at" | "occupancy" | "moreProperties"> {
  const labelled = (name: string) => seriesOf(s, name);
  const key = (l: Record<string, string>) => `${l.service}\u0000${l.stream}\u0000${l.consumer}`;
  const acks = new Map(labelled("berth_consumer_ack_pending").map((x) => [key(x.labels), x.value]));
  const oldest = new Map(
    labelled("berth_consumer_oldest_unacked_seconds").map((x) => [key(x.labels), x.value]),
  );
  return {
    bookings: sumOf(s, "berth_http_requests_total", {
      method: "POST",
      route: "/v1/reservations",
      status: "201",
    }),
    confirmations: sumOf(s, "berth_reservation_confirm_seconds_count"),
    errors5xx: labelled("berth_http_requests_total")
      .filter((x) => x.labels.status?.startsWith("5"))
      .reduce((a, x) => a + x.value, 0),
    confirmBuckets: labelled("berth_reservation_confirm_seconds_bucket")
      .map((x) => ({ le: x.labels.le === "+Inf" ? null : Number(x.labels.le), count: x.value }))
      .sort((a, b) => (a.le ?? Infinity) - (b.le ?? Infinity)),
    database: sumOf(s, "berth_database_up") === 1,
    nats: sumOf(s, "berth_nats_up") === 1,
    outbox: {
      backlog: sumOf(s, "berth_outbox_backlog"),
      oldestSeconds: sumOf(s, "berth_outbox_oldest_seconds"),
    },
    consumers: labelled("berth_consumer_pending")
      .map(({ labels, value }) => ({
        service: labels.service,
        stream: labels.stream,
        consumer: labels.consumer,
        pending: value,
        ackPending: acks.get(key(labels)) ?? 0,
        oldestUnackedSeconds: oldest.get(key(labels)) ?? 0,
      }))
      .sort((a, b) => a.consumer.localeCompare(b.consumer)),
    deadLetters: labelled("berth_dlq_messages")
      .map((x) => ({ service: x.labels.service, messages: x.value }))
      .sort((a, b) => a.service.localeCompare(b.service)),
  };
}

/**
 * Units held and sold against the total per property and day, from each property's today on:
 * the `OCCUPANCY_PROPERTIES` busiest properties, by name.
 */
export async function occupancyAhead(
  sql: Sql,
  now: Date,
): Promise<{ rows: OccupancyRow[]; more: number }> {
  const found = await sql<
    {
      id: string;
      name: string;
      today: string;
      date: string;
      total: number;
      held: number;
      sold: number;
    }[]
  >`
    with p as (
      select id, name, (${now}::timestamptz at time zone timezone)::date as today from properties
    )
    select p.id, p.name, p.today::text as today, i.date::text as date,
      sum(i.total)::int as total, sum(i.held)::int as held, sum(i.sold)::int as sold
    from p
    join resources r on r.property_id = p.id
    join inventory i on i.resource_id = r.id
      and i.date between p.today and p.today + ${OCCUPANCY_DAYS - 1}::int
    group by p.id, p.name, p.today, i.date`;
  const byProperty = new Map<
    string,
    { name: string; today: string; busy: number; days: Map<string, OccupancyRow["days"][number]> }
  >();
  for (const r of found) {
    const p = byProperty.get(r.id) ??
      { name: r.name, today: r.today, busy: 0, days: new Map() };
    p.busy += r.held + r.sold;
    p.days.set(r.date, { date: r.date, total: r.total, held: r.held, sold: r.sold });
    byProperty.set(r.id, p);
  }
  const shown = [...byProperty]
    .sort(([, a], [, b]) => b.busy - a.busy)
    .slice(0, OCCUPANCY_PROPERTIES)
    .sort(([, a], [, b]) => a.name.localeCompare(b.name));
  return {
    rows: shown.map(([propertyId, p]) => ({
      propertyId,
      name: p.name,
      days: Array.from({ length: OCCUPANCY_DAYS }, (_, i) => {
        const date = addDays(p.today, i);
        return p.days.get(date) ?? { date, total: 0, held: 0, sold: 0 };
      }),
    })),
    more: byProperty.size - shown.length,
  };
}

/** The whole summary: `scrapeText` is what `/metrics` would answer now. */
export async function opsSummary(sql: Sql, scrapeText: string, now: Date): Promise<OpsSummary> {
  const occupancy = await occupancyAhead(sql, now);
  return {
    at: now.toISOString(),
    ...fromScrape(parseScrape(scrapeText)),
    occupancy: occupancy.rows,
    moreProperties: occupancy.more,
  };
}
