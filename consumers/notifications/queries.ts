/**
 * SQL of the notifications service, on its own schema `notifications`, and the one read of the
 * engine's tables it needs: the booking as the guest's e-mail tells it (the guest's contact,
 * which events do not carry, the lines with their resources' names, the property and its
 * policy).
 */
import type { Sql } from "../../shared/db/mod.ts";
import type { BookedLine, Booking } from "./booking.ts";
import type { Decision } from "./policy.ts";
import type { TraceContext } from "../../shared/tracing/mod.ts";

/**
 * These reservations as their e-mails tell them, by reservation id, in one statement: the
 * guest, confirmation number, total and lines as the booking stored them (`reservations`, written
 * in the booking's transaction before any of its events), each line with its resource's name,
 * and the property's name, time zone and cancellation policy, with the start of the first night
 * or day there (the policy's anchor, as the payments service computes it). A reservation unknown
 * here (another database) sends no e-mail.
 */
export async function findBookings(
  tx: Sql,
  reservationIds: string[],
): Promise<Map<string, Booking>> {
  if (reservationIds.length === 0) return new Map();
  const rows = await tx<{
    id: string;
    confirmation_number: string;
    guest_name: string;
    guest_email: string;
    total: string;
    currency: string;
    property_name: string;
    timezone: string;
    free_cancel_hours: number;
    late_refund_percent: number;
    starts_at: Date;
    items: BookedLine[];
  }[]>`
    select r.id::text, r.confirmation_number, r.guest_name, r.guest_email, r.total::text,
      r.currency, p.name as property_name, p.timezone, p.free_cancel_hours,
      p.late_refund_percent, l.starts_at, l.items
    from reservations r
    join properties p on p.id = r.property_id
    cross join lateral (
      select min(i.date_from)::timestamp at time zone p.timezone as starts_at,
        json_agg(json_build_object('line', i.line, 'resource', s.name, 'kind', i.kind,
          'from', i.date_from, 'to', i.date_to, 'quantity', i.quantity, 'seats', i.seats,
          'amount', i.amount) order by i.line) as items
      from reservation_items i join resources s on s.id = i.resource_id
      where i.reservation_id = r.id
    ) l
    where r.id = any(${reservationIds}::uuid[]) and l.items is not null`;
  return new Map(rows.map((r) => [r.id, {
    reservationId: r.id,
    confirmationNumber: r.confirmation_number,
    guest: { name: r.guest_name, email: r.guest_email },
    property: {
      name: r.property_name,
      timezone: r.timezone,
      policy: { freeCancelHours: r.free_cancel_hours, lateRefundPercent: r.late_refund_percent },
    },
    total: Number(r.total),
    currency: r.currency.trim(),
    startsAt: new Date(r.starts_at),
    items: r.items,
  }]));
}

/** The active endpoints of these properties, with the event types each wants. */
export async function activeEndpoints(
  tx: Sql,
  propertyIds: string[],
): Promise<{ id: string; url: string; property_id: string; events: string[] }[]> {
  return await tx<{ id: string; url: string; property_id: string; events: string[] }[]>`
    select id, url, property_id, events from notifications.webhook_endpoints
    where property_id = any(${propertyIds}::text[]) and status = 'active'
    order by created_at, id`;
}

/** A message to send, as queued by the handler, with the trace its send continues. */
export interface NewDelivery extends TraceContext {
  id: string;
  channel: "email" | "webhook";
  endpoint_id: string | null;
  target: string;
  property_id: string;
  event_id: string;
  event_type: string;
  correlation_id: string;
  body: string;
}

/** Queues deliveries; they are due at once. */
export async function queueDeliveries(tx: Sql, rows: NewDelivery[]): Promise<void> {
  if (rows.length === 0) return;
  const traced = rows.map((r) => ({ traceparent: null, tracestate: null, ...r }));
  await tx`insert into notifications.deliveries ${
    tx(
      traced,
      "id",
      "channel",
      "endpoint_id",
      "target",
      "property_id",
      "event_id",
      "event_type",
      "correlation_id",
      "body",
      "traceparent",
      "tracestate",
    )
  }`;
}

/** A claimed delivery with what sending it needs from its endpoint. */
export interface DueDelivery extends NewDelivery {
  attempts: number;
  endpoint_url: string | null;
  endpoint_secret: string | null;
  endpoint_status: string | null;
}

/** When the next pending delivery can be claimed (its attempt time or its claim's end). */
export async function nextDue(sql: Sql): Promise<Date | null> {
  const [row] = await sql<{ next: Date | null }[]>`
    select min(greatest(next_attempt_at, coalesce(lease_until, next_attempt_at))) as next
    from notifications.deliveries where status = 'pending'`;
  return row.next;
}

/**
 * Claims up to `limit` due deliveries for this instance until `leaseUntil` (others skip them),
 * oldest due first.
 */
export async function claimDue(
  sql: Sql,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<DueDelivery[]> {
  return await sql<DueDelivery[]>`
    with due as (
      select id from notifications.deliveries
      where status = 'pending' and next_attempt_at <= ${now}
        and (lease_until is null or lease_until < ${now})
      order by next_attempt_at
      limit ${limit}
      for update skip locked
    ), claimed as (
      update notifications.deliveries d set lease_until = ${leaseUntil}, updated_at = ${now}
      from due where d.id = due.id
      returning d.*
    )
    select c.id::text, c.channel, c.endpoint_id, c.target, c.property_id, c.event_id::text,
      c.event_type, c.correlation_id, c.body, c.traceparent, c.tracestate, c.attempts,
      e.url as endpoint_url, e.secret as endpoint_secret, e.status as endpoint_status
    from claimed c left join notifications.webhook_endpoints e on e.id = c.endpoint_id
    order by c.next_attempt_at`;
}

/** Puts a claimed delivery back without an attempt, due at `at` (the breaker is open). */
export async function postpone(sql: Sql, id: string, at: Date): Promise<void> {
  await sql`update notifications.deliveries
    set next_attempt_at = ${at}, lease_until = null, updated_at = now()
    where id = ${id} and status = 'pending'`;
}

/** Drops a pending delivery whose endpoint was disabled or deleted. */
export async function cancelDelivery(sql: Sql, id: string, reason: string): Promise<void> {
  await sql`update notifications.deliveries
    set status = 'cancelled', last_error = ${reason}, lease_until = null, updated_at = now()
    where id = ${id} and status = 'pending'`;
}

/** Writes one attempt to the notification log. */
export async function logAttempt(tx: Sql, a: {
  deliveryId: string;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  ok: boolean;
  statusCode?: number;
  error?: string;
}): Promise<void> {
  await tx`
    insert into notifications.attempts
      (delivery_id, attempt, started_at, duration_ms, ok, status_code, error)
    values (${a.deliveryId}, ${a.attempt}, ${a.startedAt}, ${a.durationMs}, ${a.ok},
      ${a.statusCode ?? null}, ${a.error ?? null})`;
}

/** Counts a 410 answer of an endpoint; returns how many in a row it has now given. */
export async function countGone(tx: Sql, endpointId: string): Promise<number> {
  const [row] = await tx<{ n: number }[]>`
    update notifications.webhook_endpoints
    set consecutive_gone = consecutive_gone + 1, updated_at = now()
    where id = ${endpointId} returning consecutive_gone as n`;
  return row?.n ?? 0;
}

/** Any answer other than 410 ends the run of 410s. */
export async function resetGone(tx: Sql, endpointId: string): Promise<void> {
  await tx`update notifications.webhook_endpoints set consecutive_gone = 0
    where id = ${endpointId} and consecutive_gone <> 0`;
}

/** Disables an endpoint and cancels what was still queued for it. */
export async function disableEndpoint(tx: Sql, endpointId: string, reason: string): Promise<void> {
  await tx`update notifications.webhook_endpoints
    set status = 'disabled', disabled_reason = ${reason}, updated_at = now()
    where id = ${endpointId} and status = 'active'`;
  await tx`update notifications.deliveries
    set status = 'cancelled', last_error = ${reason}, lease_until = null, updated_at = now()
    where endpoint_id = ${endpointId} and status = 'pending'`;
}

/** Stores the decision taken after attempt number `attempt`. */
export async function settle(
  tx: Sql,
  id: string,
  attempt: number,
  decision: Decision,
): Promise<void> {
  const next = decision.status === "pending" ? decision.nextAttemptAt : null;
  const error = decision.status === "sent" ? null : decision.error;
  await tx`update notifications.deliveries
    set status = ${decision.status}, attempts = ${attempt}, last_error = ${error},
      next_attempt_at = coalesce(${next}, next_attempt_at), lease_until = null, updated_at = now()
    where id = ${id}`;
}
