-- Reservation search (issue 11): a property's reservations by status, stay dates, confirmation
-- number, guest e-mail and last change, paged by a cursor in one stable order (created_at, id),
-- each filter backed by an index. A reservation's stay (its first arrival and last departure
-- over its lines) is kept on its row, so "arriving today" is one index lookup: booking_hold
-- writes it with the reservation, booking_change with new lines (a modification). Both are as
-- in 0005 and 0056 otherwise. Every change already bumps `version` (0004), which the api serves
-- as the reservation's ETag.

-- The stay of a command's lines: [first date_from, last date_to).
create function booking_stay(p_items jsonb) returns daterange language sql immutable as $$
  select daterange(min((x->>'date_from')::date), max((x->>'date_to')::date))
  from jsonb_array_elements(p_items) x;
$$;

alter table reservations add column arrival date, add column departure date;
update reservations r set arrival = s.arrival, departure = s.departure
from (select reservation_id, min(date_from) as arrival, max(date_to) as departure
  from reservation_items group by reservation_id) s
where r.id = s.reservation_id;
alter table reservations alter column arrival set not null,
  alter column departure set not null;

create index reservations_property_created on reservations (property_id, created_at, id);
create index reservations_property_arrival on reservations (property_id, arrival);
-- By departure, then arrival: "staying a night of [from, to)" reads only the stays departing
-- after `from` (the bookings ahead, not the property's whole past) and checks arrival in the index.
create index reservations_property_departure on reservations (property_id, departure, arrival);
create index reservations_property_status on reservations (property_id, status, created_at, id);
create index reservations_property_email on reservations (property_id, lower(guest_email));
create index reservations_property_updated on reservations (property_id, updated_at);
-- The properties list pages in the same order.
create index properties_created on properties (created_at, id);

-- A row's place in a list as a cursor carries it: its timestamp to the microsecond, in UTC.
create function cursor_at(t timestamptz) returns text language sql stable as $$
  select to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
$$;

create or replace function booking_hold(c jsonb, v_now timestamptz) returns text
language plpgsql as $$
declare
  v_id uuid := (c->'reservation'->>'id')::uuid;
  v_r jsonb := c->'reservation';
  v_k jsonb := nullif(c->'idempotency', 'null'::jsonb);
  v_needs int := jsonb_array_length(c->'needs');
  v_stay daterange := booking_stay(c->'items');
  v_ok int;
  v_changed int;
begin
  if booking_key_taken(v_k, v_now) then
    return 'replay';
  end if;
  select count(*) filter (where i.total - i.held - i.sold >= n.q and i.price = n.p),
    count(*) filter (where i.price <> n.p)
  into v_ok, v_changed
  from jsonb_to_recordset(c->'needs') as n(r text, d date, q int, p bigint)
  left join inventory i on i.resource_id = n.r and i.date = n.d;
  if v_changed > 0 then
    return 'price_changed';
  end if;
  if v_ok < v_needs then
    return 'sold_out';
  end if;
  if exists (select 1 from jsonb_to_recordset(c->'seats') as s(r text, d date, s text)
      join seat_holds h on h.resource_id = s.r and h.date = s.d and h.seat = s.s) then
    return 'seat_taken';
  end if;

  perform booking_key_claim(v_k, 201, c->'answer', v_now);
  update inventory i set held = i.held + n.q
  from jsonb_to_recordset(c->'needs') as n(r text, d date, q int)
  where i.resource_id = n.r and i.date = n.d;
  insert into reservations (id, property_id, user_id, api_key_id, confirmation_number, status,
    guest_name, guest_email, total, currency, payment_token, hold_expires_at, created_at,
    updated_at, arrival, departure)
  values (v_id, v_r->>'propertyId', v_r->>'userId', v_r->>'apiKeyId',
    v_r->>'confirmationNumber', 'pending', v_r->>'guestName', v_r->>'guestEmail',
    (v_r->>'total')::bigint, v_r->>'currency', v_r->>'paymentToken',
    (v_r->>'holdExpiresAt')::timestamptz, v_now, v_now, lower(v_stay), upper(v_stay));
  perform booking_lines(v_id, c->'items');
  insert into seat_holds (resource_id, date, seat, reservation_id)
  select s.r, s.d, s.s, v_id from jsonb_to_recordset(c->'seats') as s(r text, d date, s text);
  return 'placed';
end $$;

create or replace function booking_change(c jsonb, v_now timestamptz) returns text
language plpgsql as $$
declare
  v_id uuid := (c->>'reservationId')::uuid;
  v_k jsonb := nullif(c->'idempotency', 'null'::jsonb);
  v_ok int;
  v_takes int;
  v_changed int;
begin
  if booking_key_taken(v_k, v_now) then
    return 'replay';
  end if;
  if not exists (select 1 from reservations
      where id = v_id and status = c->>'expectStatus'
        and version = (c->>'expectVersion')::int) then
    return 'conflict';
  end if;
  select count(*) filter (where d.h + d.s > 0),
    count(*) filter (where d.h + d.s > 0 and i.total - i.held - i.sold >= d.h + d.s)
  into v_takes, v_ok
  from jsonb_to_recordset(coalesce(c->'deltas', '[]')) as d(r text, d date, h int, s int)
  left join inventory i on i.resource_id = d.r and i.date = d.d;
  select count(*) into v_changed
  from jsonb_to_recordset(coalesce(c->'prices', '[]')) as n(r text, d date, p bigint)
  left join inventory i on i.resource_id = n.r and i.date = n.d
  where i.price is distinct from n.p;
  if v_changed > 0 then
    return 'price_changed';
  end if;
  if v_ok < v_takes then
    return 'sold_out';
  end if;
  if exists (select 1 from jsonb_to_recordset(coalesce(c->'seats', '[]')) as s(r text, d date,
        s text)
      join seat_holds h on h.resource_id = s.r and h.date = s.d and h.seat = s.s
      where h.reservation_id <> v_id) then
    return 'seat_taken';
  end if;

  perform booking_key_claim(v_k, coalesce((c->>'answerStatus')::int, 200), c->'answer', v_now);
  update reservations set status = c->>'status', version = version + 1, updated_at = v_now,
    payment_id = coalesce(c->>'paymentId', payment_id),
    total = coalesce((c->>'total')::bigint, total),
    pending_change = case when c ? 'pendingChange' then nullif(c->'pendingChange', 'null')
      else pending_change end,
    arrival = case when c ? 'items' then lower(booking_stay(c->'items')) else arrival end,
    departure = case when c ? 'items' then upper(booking_stay(c->'items')) else departure end
  where id = v_id;
  update inventory i set held = i.held + d.h, sold = i.sold + d.s
  from jsonb_to_recordset(coalesce(c->'deltas', '[]')) as d(r text, d date, h int, s int)
  where i.resource_id = d.r and i.date = d.d and (d.h <> 0 or d.s <> 0);
  if (c->>'releaseSeats')::boolean then
    delete from seat_holds where reservation_id = v_id;
  end if;
  insert into seat_holds (resource_id, date, seat, reservation_id)
  select s.r, s.d, s.s, v_id
  from jsonb_to_recordset(coalesce(c->'seats', '[]')) as s(r text, d date, s text)
  on conflict (resource_id, date, seat) do nothing;
  if c ? 'items' then
    delete from reservation_items where reservation_id = v_id;
    perform booking_lines(v_id, c->'items');
  end if;
  return 'applied';
end $$;
