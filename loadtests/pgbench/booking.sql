-- The bare booking, as berth's engine does it minus HTTP, JSON, items, history and outbox:
-- advisory lock on the (resource, date), inventory hold, reservation insert. One transaction.
\set r random(1, 50)
\set d random(0, 19)
BEGIN;
SELECT pg_advisory_xact_lock(:r::int, :d::int);
UPDATE inventory SET held = held + 1
  WHERE resource_id = 'pgb-' || :r::int AND date = date '2030-01-01' + :d::int AND held + sold + 1 <= total;
INSERT INTO reservations (id, property_id, user_id, api_key_id, confirmation_number, status,
    guest_name, guest_email, total, currency, payment_token, hold_expires_at, arrival, departure)
  VALUES (gen_random_uuid(), 'pgbench', 'u' || :client_id, 'pgbench',
    'PGB-' || nextval('confirmation_seq'), 'pending', 'Bench Guest', 'bench@example.test', 4900,
    'EUR', 'tok_ok', now() + interval '15 minutes', date '2030-01-01' + :d::int,
    date '2030-01-02' + :d::int);
COMMIT;
