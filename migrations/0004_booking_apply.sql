-- The booking engine's one write path. Every change to inventory, reservations, their lines,
-- seats, history and events is one call of booking_apply: one statement, its own transaction.
-- The api (bookings, modifications, state changes), the reservations consumer, the
-- inventory-prices consumer and the hold sweeper all send it a batch of commands that TypeScript
-- decided from state it read before (shared/booking/write.ts is the typed side of this boundary).
--
-- Why one statement: the server runs it to the end and commits without waiting on the client,
-- so a paused or killed caller never leaves locks behind; and locks are taken in one global
-- order, all up front: the batch's advisory locks (sorted by the caller: (resource, date) keys
-- and idempotency keys), then its reservation rows (by id). Nothing waits in between.
--
-- A command's `at` is its time (the request's clock); `now` is the batch's, for the rest.
-- Each command has its own outcome, and a command that is refused writes nothing:
--   hold:   placed | replay (idempotency key taken) | sold_out | seat_taken | price_changed
--   change: applied | conflict (the reservation moved on since it was read) | sold_out |
--           seat_taken | price_changed | skipped (an earlier command of the same reservation in
--           this batch was refused) | duplicate (its event was applied before)
--   price:  applied | missing (no inventory row)
--   none:   applied | duplicate (an event that changes nothing but is recorded in the inbox)
-- Commands are checked before they write, so no exception (and no subtransaction) is needed.

alter table reservations add column version int not null default 0;

drop function place_hold(text, text, text, timestamptz, jsonb, int[], int[], text[], date[],
  int[], bigint[], jsonb, jsonb, text[], date[], text[], uuid, text, text, text);

-- Writes a reservation's lines.
create function booking_lines(p_id uuid, p_items jsonb) returns void language sql as $$
  insert into reservation_items (reservation_id, line, resource_id, kind, date_from, date_to,
    quantity, seats, amount)
  select p_id, x.line, x.resource_id, x.kind, x.date_from, x.date_to, x.quantity, x.seats,
    x.amount
  from jsonb_to_recordset(p_items) as x(line int, resource_id text, kind text, date_from date,
    date_to date, quantity int, seats text[], amount bigint);
$$;

-- A new hold: idempotency key, inventory, reservation, lines and seats.
create function booking_hold(c jsonb, v_now timestamptz) returns text language plpgsql as $$
declare
  v_id uuid := (c->'reservation'->>'id')::uuid;
  v_r jsonb := c->'reservation';
  v_k jsonb := nullif(c->'idempotency', 'null'::jsonb);
  v_needs int := jsonb_array_length(c->'needs');
  v_ok int;
  v_changed int;
begin
  if v_k is not null and exists (select 1 from idempotency_keys
      where api_key_id = v_k->>'apiKeyId' and key = v_k->>'key' and expires_at > v_now) then
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

  if v_k is not null then
    insert into idempotency_keys (api_key_id, key, request_hash, status, response, created_at,
      expires_at)
    values (v_k->>'apiKeyId', v_k->>'key', v_k->>'requestHash', 201, c->'answer', v_now,
      (v_k->>'expiresAt')::timestamptz)
    on conflict (api_key_id, key) do update
      set request_hash = excluded.request_hash, status = excluded.status,
        response = excluded.response, created_at = excluded.created_at,
        expires_at = excluded.expires_at;
  end if;
  update inventory i set held = i.held + n.q
  from jsonb_to_recordset(c->'needs') as n(r text, d date, q int)
  where i.resource_id = n.r and i.date = n.d;
  insert into reservations (id, property_id, user_id, api_key_id, confirmation_number, status,
    guest_name, guest_email, total, currency, payment_token, hold_expires_at, created_at,
    updated_at)
  values (v_id, v_r->>'propertyId', v_r->>'userId', v_r->>'apiKeyId',
    v_r->>'confirmationNumber', 'pending', v_r->>'guestName', v_r->>'guestEmail',
    (v_r->>'total')::bigint, v_r->>'currency', v_r->>'paymentToken',
    (v_r->>'holdExpiresAt')::timestamptz, v_now, v_now);
  perform booking_lines(v_id, c->'items');
  insert into seat_holds (resource_id, date, seat, reservation_id)
  select s.r, s.d, s.s, v_id from jsonb_to_recordset(c->'seats') as s(r text, d date, s text);
  return 'placed';
end $$;

-- A change of an existing reservation: its status, and for a modification its lines, seats and
-- total. `deltas` are the net changes of held and sold per (resource, date); where they take
-- units, `prices` are the prices the new lines were priced at.
create function booking_change(c jsonb, v_now timestamptz) returns text language plpgsql as $$
declare
  v_id uuid := (c->>'reservationId')::uuid;
  v_ok int;
  v_takes int;
  v_changed int;
begin
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

  update reservations set status = c->>'status', version = version + 1, updated_at = v_now,
    payment_id = coalesce(c->>'paymentId', payment_id),
    total = coalesce((c->>'total')::bigint, total)
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

-- A new base price for one (resource, date) (the inventory-prices service applies rates).
create function booking_price(c jsonb) returns text language plpgsql as $$
begin
  update inventory set price = (c->>'price')::bigint
  where resource_id = c->>'resourceId' and date = (c->>'date')::date;
  return case when found then 'applied' else 'missing' end;
end $$;

create function booking_apply(p jsonb) returns jsonb language plpgsql as $$
declare
  v_now timestamptz := (p->>'now')::timestamptz;
  v_service text := p->>'service';
  v_lock_a int[] := array(select jsonb_array_elements_text(p->'lockA')::int);
  v_lock_b int[] := array(select jsonb_array_elements_text(p->'lockB')::int);
  v_done uuid[] := '{}';
  v_refused uuid[] := '{}';
  v_outcomes text[] := '{}';
  v_applied int[] := '{}';
  v_o int;
  v_c jsonb;
  v_outcome text;
  v_res uuid;
  v_n int;
  v_want int;
begin
  for i in 1 .. coalesce(array_length(v_lock_a, 1), 0) loop
    perform pg_advisory_xact_lock(v_lock_a[i], v_lock_b[i]);
  end loop;
  perform 1 from reservations
  where id in (select (c->>'reservationId')::uuid from jsonb_array_elements(p->'commands') c
    where c ? 'reservationId')
  order by id for update;
  if v_service is not null then
    select coalesce(array_agg(event_id), '{}') into v_done from consumer_inbox
    where service = v_service and outcome = 'applied'
      and event_id in (select (c->>'eventId')::uuid from jsonb_array_elements(p->'commands') c);
  end if;

  for v_c, v_o in select c, o from jsonb_array_elements(p->'commands') with ordinality as x(c, o)
    order by o loop
    v_res := (v_c->>'reservationId')::uuid;
    if v_c ? 'eventId' and (v_c->>'eventId')::uuid = any(v_done) then
      v_outcome := 'duplicate';
    elsif v_res is not null and v_res = any(v_refused) then
      v_outcome := 'skipped';
    else
      v_outcome := case v_c->>'kind'
        when 'hold' then booking_hold(v_c, coalesce((v_c->>'at')::timestamptz, v_now))
        when 'change' then booking_change(v_c, coalesce((v_c->>'at')::timestamptz, v_now))
        when 'price' then booking_price(v_c)
        else 'applied' end;
    end if;
    v_outcomes := v_outcomes || v_outcome;
    if v_outcome in ('placed', 'applied', 'missing') then
      v_applied := v_applied || v_o;
    elsif v_res is not null and v_outcome <> 'duplicate' then
      v_refused := v_refused || v_res;
    end if;
  end loop;

  -- What the applied commands record, each table with one statement, in command order.
  insert into reservation_history (reservation_id, status, reason, at)
  select (h->>'reservation_id')::uuid, h->>'status', h->>'reason',
    coalesce((x.c->>'at')::timestamptz, v_now)
  from jsonb_array_elements(p->'commands') with ordinality as x(c, o)
  cross join lateral jsonb_array_elements(coalesce(x.c->'history', '[]')) with ordinality
    as y(h, k)
  where x.o = any(v_applied)
  order by x.o, y.k;
  insert into outbox (id, property_id, subject, type, payload)
  select (e->>'id')::uuid, e->>'property_id', e->>'subject', e->>'type', e->>'payload'
  from jsonb_array_elements(p->'commands') with ordinality as x(c, o)
  cross join lateral jsonb_array_elements(coalesce(x.c->'events', '[]')) with ordinality
    as y(e, k)
  where x.o = any(v_applied)
  order by x.o, y.k;
  if v_service is not null then
    select count(*) into v_want
    from jsonb_array_elements(p->'commands') with ordinality as x(c, o)
    where x.o = any(v_applied) and x.c ? 'eventId';
    insert into consumer_inbox (service, event_id, event_type, property_id, stream, stream_seq,
      outcome, handled_at)
    select v_service, (x.c->>'eventId')::uuid, x.c->>'eventType', x.c->>'propertyId',
      x.c->>'stream', (x.c->>'streamSeq')::bigint, 'applied', v_now
    from jsonb_array_elements(p->'commands') with ordinality as x(c, o)
    where x.o = any(v_applied) and x.c ? 'eventId'
    on conflict (service, event_id) do update
      set outcome = 'applied', error = null, handled_at = excluded.handled_at,
        stream = excluded.stream, stream_seq = excluded.stream_seq
      where consumer_inbox.outcome = 'dead_lettered';
    get diagnostics v_n = row_count;
    if v_n < v_want then
      -- Another instance applied one of these events while this ran: undo all, read again.
      raise exception using errcode = 'BK010',
        message = 'an event of this batch was applied concurrently';
    end if;
  end if;
  return to_jsonb(v_outcomes);
end $$;
