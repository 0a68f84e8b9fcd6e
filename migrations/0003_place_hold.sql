-- A new hold in one statement (its own transaction): the booking's hot path. The api computes
-- the reservation, its lines, the event and the answer from a quote read just before (prices
-- and a confirmation sequence number) and sends them here once; this checks under the locks
-- that the quote still holds. One round trip instead of a dozen, which is where the api's time
-- went (postgres.js socket writes).
--
-- Errors (rolled back, nothing written): BK001 sold out, BK002 seat taken, BK003 price changed
-- since the quote (the api quotes again). Returns 'placed', or 'replay' when the idempotency key
-- is held by an earlier request (whose answer the api then reads).
create function place_hold(
  p_idem_api_key text, p_idem_key text, p_idem_hash text, p_idem_expires timestamptz,
  p_answer jsonb,
  p_lock_a int[], p_lock_b int[],
  p_res text[], p_dates date[], p_qty int[], p_prices bigint[],
  p_reservation jsonb, p_items jsonb,
  p_seat_res text[], p_seat_dates date[], p_seats text[],
  p_event_id uuid, p_event_subject text, p_event_type text, p_event_payload text
) returns text language plpgsql as $$
declare
  v_id uuid := (p_reservation->>'id')::uuid;
  v_now timestamptz := (p_reservation->>'now')::timestamptz;
  v_n int;
begin
  if p_idem_key is not null then
    -- Waits for a request holding the same key uncommitted; an expired key is taken over.
    insert into idempotency_keys (api_key_id, key, request_hash, status, response, created_at,
      expires_at)
    values (p_idem_api_key, p_idem_key, p_idem_hash, 201, p_answer, v_now, p_idem_expires)
    on conflict (api_key_id, key) do update
      set request_hash = excluded.request_hash, status = excluded.status,
        response = excluded.response, created_at = excluded.created_at,
        expires_at = excluded.expires_at
      where idempotency_keys.expires_at <= v_now;
    get diagnostics v_n = row_count;
    if v_n = 0 then
      return 'replay';
    end if;
  end if;

  -- One (resource, date) lock after the other, in the order given (sorted by the caller).
  for i in 1 .. coalesce(array_length(p_lock_a, 1), 0) loop
    perform pg_advisory_xact_lock(p_lock_a[i], p_lock_b[i]);
  end loop;

  update inventory i set held = i.held + n.q
  from unnest(p_res, p_dates, p_qty, p_prices) as n(r, d, q, p)
  where i.resource_id = n.r and i.date = n.d and i.price = n.p
    and i.total - i.held - i.sold >= n.q;
  get diagnostics v_n = row_count;
  if v_n < coalesce(array_length(p_res, 1), 0) then
    if exists (
      select 1 from unnest(p_res, p_dates, p_prices) as n(r, d, p)
      join inventory i on i.resource_id = n.r and i.date = n.d
      where i.price <> n.p
    ) then
      raise exception using errcode = 'BK003', message = 'the price changed since the quote';
    end if;
    raise exception using errcode = 'BK001', message = 'not enough left on one of the dates';
  end if;

  insert into reservations (id, property_id, user_id, api_key_id, confirmation_number, status,
    guest_name, guest_email, total, currency, payment_token, hold_expires_at, created_at,
    updated_at)
  values (v_id, p_reservation->>'propertyId', p_reservation->>'userId',
    p_reservation->>'apiKeyId', p_reservation->>'confirmationNumber', 'pending',
    p_reservation->>'guestName', p_reservation->>'guestEmail',
    (p_reservation->>'total')::bigint, p_reservation->>'currency',
    p_reservation->>'paymentToken', (p_reservation->>'holdExpiresAt')::timestamptz, v_now, v_now);
  insert into reservation_history (reservation_id, status, reason, at)
  values (v_id, 'pending', 'hold placed', v_now);
  insert into reservation_items (reservation_id, line, resource_id, kind, date_from, date_to,
    quantity, seats, amount)
  select v_id, x.line, x.resource_id, x.kind, x.date_from, x.date_to, x.quantity, x.seats, x.amount
  from jsonb_to_recordset(p_items) as x(line int, resource_id text, kind text, date_from date,
    date_to date, quantity int, seats text[], amount bigint);

  if coalesce(array_length(p_seats, 1), 0) > 0 then
    insert into seat_holds (resource_id, date, seat, reservation_id)
    select r, d, s, v_id from unnest(p_seat_res, p_seat_dates, p_seats) as x(r, d, s)
    on conflict do nothing;
    get diagnostics v_n = row_count;
    if v_n < array_length(p_seats, 1) then
      raise exception using errcode = 'BK002', message = 'one of the seats was just taken';
    end if;
  end if;

  insert into outbox (id, property_id, subject, type, payload)
  values (p_event_id, p_reservation->>'propertyId', p_event_subject, p_event_type,
    p_event_payload);
  return 'placed';
end $$;
