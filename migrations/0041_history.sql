-- history: a user's bookings, projected from the reservation events.
create schema history;

create table history.user_reservations (
  reservation_id uuid primary key,
  property_id text not null,
  user_id text not null,
  confirmation_number text not null,
  status text not null,
  items jsonb not null,
  date_from date not null,
  date_to date not null,
  total bigint not null,
  currency char(3) not null,
  booked_at timestamptz not null,
  updated_at timestamptz not null
);
create index user_reservations_user on history.user_reservations (user_id, booked_at desc, reservation_id);
