-- rates: dynamic pricing rules, the occupancy they look at, and the rate history.
create schema rates;

-- tiers: [{occupancyBps, multiplierBps}] ascending; 10000 bps = 100 % occupancy or 1.0x.
create table rates.rules (
  resource_id text primary key,
  property_id text not null,
  tiers jsonb not null,
  floor bigint not null check (floor >= 0),
  ceiling bigint not null check (ceiling >= floor),
  updated_at timestamptz not null default now()
);

-- Per (resource, date): capacity and base price (inventory.updated), units taken (held or sold,
-- from reservation events), the price last published.
create table rates.occupancy (
  resource_id text not null,
  date date not null,
  property_id text not null,
  total int,
  taken int not null default 0,
  base_price bigint,
  price bigint,
  primary key (resource_id, date)
);

create table rates.reservation_nights (
  reservation_id uuid not null,
  resource_id text not null,
  date date not null,
  quantity int not null,
  primary key (reservation_id, resource_id, date)
);

create table rates.rate_history (
  id bigserial primary key,
  property_id text not null,
  resource_id text not null,
  date date not null,
  price bigint not null,
  previous_price bigint not null,
  occupancy numeric not null,
  event_id uuid not null,
  changed_at timestamptz not null
);
create index rate_history_resource on rates.rate_history (resource_id, date, id);

-- The rate each reservation was booked at (rate.applied).
create table rates.applied (
  reservation_id uuid not null,
  resource_id text not null,
  date date not null,
  property_id text not null,
  price bigint not null,
  applied_at timestamptz not null,
  primary key (reservation_id, resource_id, date)
);
