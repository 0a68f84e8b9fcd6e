-- The payments service's own tables, in its own schema. Written only by consumers/payments.
create schema payments;

-- One payment per reservation: its authorization and what has happened to the money since.
create table payments.payments (
  reservation_id uuid primary key,
  property_id text not null,
  currency char(3) not null,
  -- the amount the reservation costs now (follows modifications)
  amount bigint not null check (amount >= 0),
  authorized bigint not null default 0 check (authorized >= 0),
  captured bigint not null default 0 check (captured >= 0),
  refunded bigint not null default 0 check (refunded >= 0),
  voided bigint not null default 0 check (voided >= 0),
  status text not null check (status in ('authorized', 'failed', 'captured', 'voided', 'refunded')),
  provider_payment_id text,
  failure_reason text,
  -- when money is captured: at confirmation (seats, units) or at check-out (any room)
  capture_at text not null check (capture_at in ('confirmation', 'check_out')),
  -- the start of the first night or day, in the property's time zone: the refund policy's anchor
  starts_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (refunded <= captured)
);

-- Every movement the provider made, for settlement: captures and refunds move money, voids do not.
create table payments.movements (
  id bigserial primary key,
  reservation_id uuid not null references payments.payments (reservation_id),
  property_id text not null,
  currency char(3) not null,
  kind text not null check (kind in ('capture', 'refund', 'void')),
  amount bigint not null check (amount > 0),
  reason text,
  at timestamptz not null
);
create index movements_at on payments.movements (at);

-- One settlement per (day, property, currency); the key keeps a day from being settled twice.
create table payments.settlements (
  date date not null,
  property_id text not null,
  currency char(3) not null,
  captured bigint not null,
  refunded bigint not null,
  net bigint not null,
  payments int not null,
  event_id uuid not null,
  settled_at timestamptz not null default now(),
  primary key (date, property_id, currency)
);
