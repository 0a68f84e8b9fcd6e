-- The consumers' inbox: one row per (service, event) the service has dealt with, written in the
-- same transaction as the handler's effect, so a redelivered event never acts twice.
-- outcome 'dead_lettered' records an event sent to the DLQ; it does not block a replay, which
-- applies the event and turns the row into 'applied'.
create table consumer_inbox (
  service text not null,
  event_id uuid not null,
  event_type text not null,
  property_id text not null,
  stream text not null,
  stream_seq bigint not null,
  outcome text not null check (outcome in ('applied', 'dead_lettered')),
  error text,
  handled_at timestamptz not null default now(),
  primary key (service, event_id)
);
create index consumer_inbox_handled on consumer_inbox (handled_at);
