-- 50 bare bookings in one transaction, as a group commit places them: the same shape as
-- booking.sql (advisory locks, inventory holds, reservation inserts), 50 times over one commit.
-- The 50 keys are 50 distinct (resource, date) pairs of the 1,000 seeded, picked from a random
-- start by a fixed stride; the locks are taken in one sorted order, all of them up front.
\set s random(0, 999)
BEGIN;
SELECT pg_advisory_xact_lock(k / 20 + 1, k % 20)
  FROM (SELECT (:s + i * 7919) % 1000 AS k FROM generate_series(1, 50) i ORDER BY 1) keys;
UPDATE inventory i SET held = i.held + 1
  FROM (SELECT (:s + g * 7919) % 1000 AS k FROM generate_series(1, 50) g) keys
  WHERE i.resource_id = 'pgb-' || (keys.k / 20 + 1) AND i.date = date '2030-01-01' + keys.k % 20
    AND i.held + i.sold + 1 <= i.total;
INSERT INTO reservations (id, property_id, user_id, api_key_id, confirmation_number, status,
    guest_name, guest_email, total, currency, payment_token, hold_expires_at, arrival, departure)
  SELECT gen_random_uuid(), 'pgbench', 'u' || :client_id, 'pgbench',
    'PGB-' || nextval('confirmation_seq'), 'pending', 'Bench Guest', 'bench@example.test', 4900,
    'EUR', 'tok_ok', now() + interval '15 minutes', date '2030-01-01' + (:s + g * 7919) % 1000 % 20,
    date '2030-01-02' + (:s + g * 7919) % 1000 % 20
  FROM generate_series(1, 50) g;
COMMIT;
