-- notifications: guest e-mails and webhooks. The notifications service owns this schema; the
-- api's webhooks module (the admin face of the same domain) writes webhook_endpoints.

create schema if not exists notifications;

-- What the service keeps from reservation.created to e-mail the guest later.
create table notifications.guests (
  reservation_id uuid primary key,
  property_id text not null,
  confirmation_number text not null,
  name text not null,
  email text not null,
  created_at timestamptz not null default now()
);

-- Webhook endpoints registered per property, with the event types they want.
-- consecutive_gone counts 410 answers in a row; at the threshold the endpoint is disabled.
create table notifications.webhook_endpoints (
  id text primary key,
  property_id text not null,
  url text not null,
  events text[] not null check (cardinality(events) > 0),
  secret text not null,
  description text,
  status text not null default 'active' check (status in ('active', 'disabled', 'deleted')),
  consecutive_gone int not null default 0,
  disabled_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index webhook_endpoints_property on notifications.webhook_endpoints (property_id)
  where status <> 'deleted';

-- One row per message to send (an e-mail to a guest, an event to an endpoint): the queue the
-- dispatcher works off. body is the exact bytes sent (the signed JSON for webhooks).
create table notifications.deliveries (
  id uuid primary key,
  channel text not null check (channel in ('email', 'webhook')),
  endpoint_id text references notifications.webhook_endpoints (id),
  target text not null,
  property_id text not null,
  event_id uuid not null,
  event_type text not null,
  correlation_id text not null,
  body text not null,
  status text not null default 'pending'
    check (status in ('pending', 'sent', 'failed', 'cancelled')),
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  lease_until timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((channel = 'webhook') = (endpoint_id is not null))
);
create index deliveries_due on notifications.deliveries (next_attempt_at) where status = 'pending';
create index deliveries_endpoint on notifications.deliveries (endpoint_id, created_at)
  where endpoint_id is not null;
create index deliveries_event on notifications.deliveries (event_id);

-- The notification log: every attempt made on the wire, whatever its outcome.
create table notifications.attempts (
  delivery_id uuid not null references notifications.deliveries (id),
  attempt int not null check (attempt > 0),
  started_at timestamptz not null,
  duration_ms int not null,
  ok boolean not null,
  status_code int,
  error text,
  primary key (delivery_id, attempt)
);
