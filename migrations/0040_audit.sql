-- audit: every event of every stream, hash-chained. One chain per (stream, property): within it
-- the consumer applies events in stream order, so a replay from the streams rebuilds the same
-- chain. hash = sha256(chain | position | prev_hash | event_hash), event_hash = sha256(event).
create schema audit;

create table audit.audit_log (
  id bigserial primary key,
  chain text not null,
  position int not null check (position > 0),
  event_id uuid not null unique,
  event_type text not null,
  property_id text not null,
  reservation_id uuid,
  occurred_at timestamptz not null,
  event text not null,
  event_hash text not null,
  prev_hash text not null,
  hash text not null,
  unique (chain, position)
);
create index audit_log_reservation on audit.audit_log (reservation_id, id);
