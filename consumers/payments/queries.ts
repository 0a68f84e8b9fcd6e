/** The payments service's queries: its own tables in the `payments` schema, and property facts. */
import type { Sql } from "../../shared/db/mod.ts";
import type { PaymentState, PropertyFacts } from "./plan.ts";
import type { Movement } from "./evolve.ts";

/** The payments of these reservations, by reservation id. */
export async function paymentsOf(sql: Sql, ids: string[]): Promise<Map<string, PaymentState>> {
  if (ids.length === 0) return new Map();
  const rows = await sql`
    select reservation_id, property_id, currency, amount::text, authorized::text,
      captured::text, refunded::text, voided::text, status, provider_payment_id, failure_reason,
      capture_at, starts_at
    from payments.payments where reservation_id = any(${ids}::uuid[])`;
  return new Map(rows.map((r) => [r.reservation_id, {
    reservationId: r.reservation_id,
    propertyId: r.property_id,
    currency: r.currency.trim(),
    amount: Number(r.amount),
    authorized: Number(r.authorized),
    captured: Number(r.captured),
    refunded: Number(r.refunded),
    voided: Number(r.voided),
    status: r.status,
    providerPaymentId: r.provider_payment_id,
    failureReason: r.failure_reason,
    captureAt: r.capture_at,
    startsAt: new Date(r.starts_at),
  }]));
}

/**
 * The payment tokens stored with these reservations, by reservation id. The token is a secret:
 * it stays in the engine's `reservations` row, written in the booking's transaction, and no
 * event carries it.
 */
export async function paymentTokens(sql: Sql, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<{ id: string; payment_token: string }[]>`
    select id, payment_token from reservations where id = any(${ids}::uuid[])`;
  return new Map(rows.map((r) => [r.id, r.payment_token]));
}

/**
 * The cancellation policies of `propertyIds` and the start of each (property, date) of `days`
 * in the property's time zone. A property unknown here (another database) gets the strictest
 * reading: a full refund, and the date's start in UTC.
 */
export async function propertyFacts(
  sql: Sql,
  propertyIds: string[],
  days: { propertyId: string; date: string }[],
): Promise<PropertyFacts> {
  const [policies, starts] = await Promise.all([
    sql<{ id: string; free_cancel_hours: number; late_refund_percent: number }[]>`
      select id, free_cancel_hours, late_refund_percent from properties
      where id = any(${propertyIds}::text[])`,
    sql<{ property_id: string; date: string; starts_at: Date }[]>`
      select d.p as property_id, d.d::text as date,
        (d.d::timestamp at time zone p.timezone) as starts_at
      from unnest(${days.map((d) => d.propertyId)}::text[], ${days.map((d) => d.date)}::date[])
        as d(p, d)
      join properties p on p.id = d.p`,
  ]);
  const policy = new Map(policies.map((r) => [r.id, {
    freeCancelHours: r.free_cancel_hours,
    lateRefundPercent: r.late_refund_percent,
  }]));
  const start = new Map(starts.map((r) => [`${r.property_id}\u0000${r.date}`, r.starts_at]));
  return {
    policy: (id) => policy.get(id) ?? { freeCancelHours: 0, lateRefundPercent: 100 },
    startsAt: (id, date) =>
      new Date(start.get(`${id}\u0000${date}`) ?? new Date(`${date}T00:00:00Z`)),
  };
}

/** Writes payments as they are now (new ones inserted, known ones updated). */
export async function savePayments(tx: Sql, payments: PaymentState[], at: Date): Promise<void> {
  if (payments.length === 0) return;
  const col = <K extends keyof PaymentState>(k: K) => payments.map((p) => p[k]);
  await tx`
    insert into payments.payments as p (reservation_id, property_id, currency, amount,
      authorized, captured, refunded, voided, status, provider_payment_id, failure_reason,
      capture_at, starts_at, created_at, updated_at)
    select x.*, ${at}::timestamptz, ${at}::timestamptz
    from unnest(${col("reservationId")}::uuid[], ${col("propertyId")}::text[],
      ${col("currency")}::text[], ${col("amount")}::bigint[], ${col("authorized")}::bigint[],
      ${col("captured")}::bigint[], ${col("refunded")}::bigint[], ${col("voided")}::bigint[],
      ${col("status")}::text[], ${col("providerPaymentId")}::text[],
      ${col("failureReason")}::text[], ${col("captureAt")}::text[],
      ${payments.map((p) => p.startsAt.toISOString())}::timestamptz[]) as x
    on conflict (reservation_id) do update set amount = excluded.amount,
      authorized = excluded.authorized, captured = excluded.captured,
      refunded = excluded.refunded, voided = excluded.voided, status = excluded.status,
      provider_payment_id = excluded.provider_payment_id,
      failure_reason = excluded.failure_reason, capture_at = excluded.capture_at,
      starts_at = excluded.starts_at, updated_at = excluded.updated_at`;
}

/** Records what the provider did, in order. */
export async function recordMovements(tx: Sql, movements: Movement[]): Promise<void> {
  if (movements.length === 0) return;
  const col = <K extends keyof Movement>(k: K) => movements.map((m) => m[k]);
  await tx`
    insert into payments.movements (reservation_id, property_id, currency, kind, amount, reason,
      at)
    select * from unnest(${col("reservationId")}::uuid[], ${col("propertyId")}::text[],
      ${col("currency")}::text[], ${col("kind")}::text[], ${col("amount")}::bigint[],
      ${col("reason")}::text[], ${movements.map((m) => m.at.toISOString())}::timestamptz[])`;
}

/** The ids among `eventIds` a service has applied. */
export async function appliedEvents(sql: Sql, service: string, eventIds: string[]) {
  const rows = await sql<{ event_id: string }[]>`
    select event_id from consumer_inbox
    where service = ${service} and outcome = 'applied' and event_id = any(${eventIds}::uuid[])`;
  return new Set(rows.map((r) => r.event_id));
}
