-- Idempotency-Key for changes too (cancel, check-in, check-out, modify), with the booking's
-- semantics: a change command may carry `idempotency` ({apiKeyId, key, requestHash, expiresAt})
-- and `answer`. The key is claimed and the answer stored in the change's own statement, so a
-- change that committed after its client gave up (a 504) is answered again on retry. A key
-- held by an earlier request makes the command's outcome 'replay' (nothing written), as for
-- a hold; booking_apply already takes the key's advisory lock (write.ts, batchLocks), so a
-- second request with the key waits for the first one's commit and then finds its answer.
--
-- booking_key_taken and booking_key_claim are the one place that reads and writes a key for
-- both kinds of command; booking_hold is redefined to use them, unchanged otherwise.

-- True when `k` (null for no key) is held by a request whose key has not expired.
create function booking_key_taken(k jsonb, v_now timestamptz) returns boolean
language sql as $$
  select k is not null and exists (select 1 from idempotency_keys
    where api_key_id = k->>'apiKeyId' and key = k->>'key' and expires_at > v_now);
$$;

-- Claims `k` (null for no key) with the answer the client got; an expired key is taken over.
create function booking_key_claim(k jsonb, p_status int, p_answer jsonb, v_now timestamptz)
returns void language sql as $$
  insert into idempotency_keys (api_key_id, key, request_hash, status, response, created_at,
    expires_at)
  select k->>'apiKeyId', k->>'key', k->>'requestHash', p_status, p_answer, v_now,
    (k->>'expiresAt')::timestamptz
  where k is not null
  on conflict (api_key_id, key) do update
    set request_hash = excluded.request_hash, status = excluded.status,
      response = excluded.response, created_at = excluded.created_at,
      expires_at = excluded.expires_at;
$$;

create or replace function booking_hold(c jsonb, v_now timestamptz) returns text
language plpgsql as $$
declare
  v_id uuid := (c->'reservation'->>'id')::uuid;
  v_r jsonb := c->'reservation';
  v_k jsonb := nullif(c->'idempotency', 'null'::jsonb);
  v_needs int := jsonb_array_length(c->'needs');
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

-- As in 0004, with the key: checked first (a replay wins over any other outcome), claimed with
-- the answer (status 200) when the change applies.
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

  perform booking_key_claim(v_k, 200, c->'answer', v_now);
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
