/** SQL of the webhook registry (schema `notifications`, owned by the notifications domain). */
import type { PageOpts, Sql } from "../../shared/db/mod.ts";

export interface EndpointRow {
  id: string;
  property_id: string;
  url: string;
  events: string[];
  secret: string;
  description: string | null;
  status: "active" | "disabled" | "deleted";
  consecutive_gone: number;
  disabled_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

export async function insertEndpoint(
  sql: Sql,
  e: Pick<EndpointRow, "id" | "property_id" | "url" | "events" | "secret" | "description">,
): Promise<EndpointRow> {
  const [row] = await sql<EndpointRow[]>`
    insert into notifications.webhook_endpoints
      (id, property_id, url, events, secret, description)
    values (${e.id}, ${e.property_id}, ${e.url}, ${e.events}, ${e.secret}, ${e.description})
    returning *`;
  return row;
}

/** A page of a property's endpoints that are not deleted, oldest first. */
export async function listEndpoints(
  sql: Sql,
  propertyId: string,
  page: PageOpts,
): Promise<(EndpointRow & { cursor_at: string })[]> {
  const after = page.after;
  return await sql<(EndpointRow & { cursor_at: string })[]>`
    select *, cursor_at(created_at) from notifications.webhook_endpoints
    where property_id = ${propertyId} and status <> 'deleted'
      ${after ? sql`and (created_at, id) > (${after.at}::text::timestamptz, ${after.id})` : sql``}
    order by created_at, id limit ${page.limit}`;
}

export async function findEndpoint(sql: Sql, id: string): Promise<EndpointRow | null> {
  const [row] = await sql<EndpointRow[]>`
    select * from notifications.webhook_endpoints where id = ${id} and status <> 'deleted'`;
  return row ?? null;
}

/** Marks an endpoint deleted (its log stays) and cancels what was queued for it. */
export async function deleteEndpoint(tx: Sql, id: string): Promise<boolean> {
  const rows = await tx`update notifications.webhook_endpoints
    set status = 'deleted', updated_at = now() where id = ${id} and status <> 'deleted'
    returning id`;
  await tx`update notifications.deliveries
    set status = 'cancelled', last_error = 'endpoint deleted', lease_until = null,
      updated_at = now()
    where endpoint_id = ${id} and status = 'pending'`;
  return rows.length > 0;
}

/** Turns a disabled endpoint on again, with its run of 410 answers reset. */
export async function enableEndpoint(sql: Sql, id: string): Promise<EndpointRow | null> {
  const [row] = await sql<EndpointRow[]>`
    update notifications.webhook_endpoints
    set status = 'active', consecutive_gone = 0, disabled_reason = null, updated_at = now()
    where id = ${id} and status <> 'deleted' returning *`;
  return row ?? null;
}

export interface DeliveryRow {
  id: string;
  event_id: string;
  event_type: string;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  /** Its place in the list (cursor_at of created_at). */
  cursor_at: string;
  log: {
    attempt: number;
    started_at: string;
    duration_ms: number;
    ok: boolean;
    status_code: number | null;
    error: string | null;
  }[];
}

/**
 * A page of the deliveries to an endpoint, newest first, with every attempt of each (the
 * notification log).
 */
export async function listDeliveries(
  sql: Sql,
  endpointId: string,
  page: PageOpts,
): Promise<DeliveryRow[]> {
  const after = page.after;
  return await sql<DeliveryRow[]>`
    select d.id::text, d.event_id::text, d.event_type, d.status, d.attempts, d.next_attempt_at,
      d.last_error, d.created_at, cursor_at(d.created_at),
      coalesce((select json_agg(a order by a.attempt) from (
        select attempt, started_at, duration_ms, ok, status_code, error
        from notifications.attempts where delivery_id = d.id) a), '[]') as log
    from notifications.deliveries d
    where d.endpoint_id = ${endpointId}
      ${
    after
      ? sql`and (d.created_at, d.id) < (${after.at}::text::timestamptz, ${after.id}::uuid)`
      : sql``
  }
    order by d.created_at desc, d.id desc
    limit ${page.limit}`;
}
