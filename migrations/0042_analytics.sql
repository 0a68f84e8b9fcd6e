-- analytics: what the KPIs are computed from (see docs/services.md for their definitions).
create schema analytics;

-- Capacity per (resource, date), from inventory.updated.
create table analytics.kpi_capacity (
  resource_id text not null,
  date date not null,
  property_id text not null,
  total int not null,
  primary key (resource_id, date)
);
create index kpi_capacity_property on analytics.kpi_capacity (property_id, date);

-- A reservation's inventory state: pending (held), sold, released.
create table analytics.kpi_reservations (
  reservation_id uuid primary key,
  property_id text not null,
  status text not null check (status in ('pending', 'sold', 'released')),
  booked_on date not null
);

-- Units per (reservation, resource, date) and the unit price they were booked at.
create table analytics.kpi_nights (
  reservation_id uuid not null,
  resource_id text not null,
  date date not null,
  property_id text not null,
  quantity int not null,
  price bigint not null,
  primary key (reservation_id, resource_id, date)
);
create index kpi_nights_property on analytics.kpi_nights (property_id, date);

-- Counters per property and UTC day of the event.
create table analytics.kpi_daily (
  property_id text not null,
  day date not null,
  bookings int not null default 0,
  cancellations int not null default 0,
  payments_authorized int not null default 0,
  payments_failed int not null default 0,
  lead_days_sum bigint not null default 0,
  primary key (property_id, day)
);
