-- Seed for the pgbench ceiling, in a scratch database migrated like berth's: one property,
-- 50 counted resources x 20 dates = 1,000 (resource, date) keys with capacity that never runs out.
insert into properties (id, name, timezone, currency)
  values ('pgbench', 'pgbench ceiling', 'UTC', 'EUR');
insert into resources (id, property_id, name, kind)
  select 'pgb-' || i, 'pgbench', 'unit ' || i, 'unit' from generate_series(1, 50) i;
insert into inventory (resource_id, date, total, price)
  select 'pgb-' || i, date '2030-01-01' + d, 1000000000, 4900
  from generate_series(1, 50) i, generate_series(0, 19) d;
analyze;
