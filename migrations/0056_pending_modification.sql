-- A modification that raises a reservation's total waits for the payment of the difference
-- (issue 10, defect 7). While it waits, the reservation keeps its lines, total and units, holds
-- the units and seats the new lines need beyond them, and records the new lines in
-- pending_change: {id, items, amounts, total, rates, requestedAt}. The reservations service
-- applies it when the difference is authorized (reservation.modified) or drops it when that is
-- declined (reservation.modification_declined); a release (cancel, expiry, failure) drops it too.
-- booking_change is as in 0005, plus: a command with `pendingChange` sets it (null clears it),
-- and the answer stored under the key has the command's `answerStatus` (202 for a change that
-- waits for its payment), 200 without one.
alter table reservations add column pending_change jsonb;

create or replace function booking_change(c jsonb, v_now timestamptz) returns text language plpgsql as $$
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
      else pending_change end
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

-- Every authorization (the booking's and each difference a modification adds) is a movement too.
alter table payments.movements drop constraint movements_kind_check;
alter table payments.movements add constraint movements_kind_check
  check (kind in ('authorize', 'capture', 'refund', 'void'));
