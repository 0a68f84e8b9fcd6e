-- berth core: catalogue of bookable things, inventory, reservations, outbox, api keys.

create table properties (
  id text primary key check (id ~ '^[A-Za-z0-9_-]{1,64}$'),
  name text not null,
  timezone text not null,
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  -- full refund until free_cancel_hours before the start, then late_refund_percent
  free_cancel_hours int not null default 24 check (free_cancel_hours >= 0),
  late_refund_percent int not null default 0 check (late_refund_percent between 0 and 100),
  created_at timestamptz not null default now()
);

create table resources (
  id text primary key,
  property_id text not null references properties (id),
  name text not null,
  kind text not null check (kind in ('room', 'unit', 'seat')),
  created_at timestamptz not null default now()
);
create index resources_property on resources (property_id);

create table seats (
  resource_id text not null references resources (id),
  seat text not null,
  primary key (resource_id, seat)
);

-- Counted capacity per (resource, date); for seat resources total is the seat count.
create table inventory (
  resource_id text not null references resources (id),
  date date not null,
  total int not null check (total >= 0),
  held int not null default 0 check (held >= 0),
  sold int not null default 0 check (sold >= 0),
  price bigint not null check (price >= 0),
  primary key (resource_id, date),
  constraint inventory_available check (held + sold <= total)
);

create sequence confirmation_seq;

create table reservations (
  id uuid primary key,
  property_id text not null references properties (id),
  user_id text not null,
  api_key_id text not null,
  confirmation_number text not null unique,
  status text not null check (status in
    ('pending', 'confirmed', 'checked_in', 'checked_out', 'cancelled', 'expired', 'failed')),
  guest_name text not null,
  guest_email text not null,
  total bigint not null check (total >= 0),
  currency char(3) not null,
  payment_token text not null,
  payment_id text,
  hold_expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index reservations_hold_expiry on reservations (hold_expires_at) where status = 'pending';
create index reservations_user on reservations (user_id, created_at);

create table reservation_items (
  reservation_id uuid not null references reservations (id),
  line int not null,
  resource_id text not null references resources (id),
  kind text not null,
  date_from date not null,
  date_to date not null check (date_to > date_from),
  quantity int not null check (quantity > 0),
  seats text[],
  amount bigint not null check (amount >= 0),
  primary key (reservation_id, line)
);

-- One holder per seat and date: the last line against double-selling a seat.
create table seat_holds (
  resource_id text not null,
  date date not null,
  seat text not null,
  reservation_id uuid not null references reservations (id),
  primary key (resource_id, date, seat),
  foreign key (resource_id, seat) references seats (resource_id, seat)
);
create index seat_holds_reservation on seat_holds (reservation_id);

create table reservation_history (
  id bigserial primary key,
  reservation_id uuid not null references reservations (id),
  status text not null,
  reason text,
  at timestamptz not null default now()
);
create index reservation_history_reservation on reservation_history (reservation_id, id);

-- Events leave through here: written in the same transaction as the change they describe.
create table outbox (
  seq bigserial primary key,
  id uuid not null unique,
  property_id text not null,
  subject text not null,
  type text not null,
  payload text not null,
  created_at timestamptz not null default now(),
  published_at timestamptz
);
create index outbox_unpublished on outbox (seq) where published_at is null;

create function outbox_notify() returns trigger language plpgsql as $$
begin
  perform pg_notify('berth_outbox', '');
  return null;
end $$;
create trigger outbox_notify after insert on outbox
  for each statement execute function outbox_notify();

create table api_keys (
  id text primary key,
  name text not null,
  role text not null check (role in ('admin', 'client')),
  key_hash text not null unique,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);

create table idempotency_keys (
  api_key_id text not null,
  key text not null,
  request_hash text not null,
  status int,
  response jsonb,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  primary key (api_key_id, key)
);
create index idempotency_keys_expiry on idempotency_keys (expires_at);
