-- The hops of every booking confirmed since :'since' (psql -v since='2026-11-22T08:35:00'),
-- from the outbox (created_at: the writing transaction's start; published_at: the relay's mark)
-- and reservation_history, in ms: booking -> reservation.created published (h1), -> payment
-- .authorized written (h2), -> published (h3), -> confirmed (h4, negative when the confirmation
-- beat the relay's mark), and pending -> confirmed (t). docs/performance.md shows them.
with c as (
  select (payload::jsonb->'data'->>'reservationId')::uuid r, created_at c_at, published_at c_pub
  from outbox where type = 'reservation.created'),
a as (
  select distinct on (r) (payload::jsonb->'data'->>'reservationId')::uuid r, created_at a_at, published_at a_pub
  from outbox where type = 'payment.authorized' order by r, seq),
h as (
  select reservation_id r, min(at) filter (where status='pending') p, min(at) filter (where status='confirmed') f
  from reservation_history group by 1),
j as (select extract(epoch from c_pub - c_at)*1000 h1, extract(epoch from a_at - c_pub)*1000 h2,
  extract(epoch from a_pub - a_at)*1000 h3, extract(epoch from f - a_pub)*1000 h4, extract(epoch from f - p)*1000 tot
  from c join a using (r) join h using (r) where f is not null and c_at > :'since')
select count(*),
 round(percentile_cont(0.5) within group (order by h1)) h1_50, round(percentile_cont(0.99) within group (order by h1)) h1_99,
 round(percentile_cont(0.5) within group (order by h2)) h2_50, round(percentile_cont(0.99) within group (order by h2)) h2_99,
 round(percentile_cont(0.5) within group (order by h3)) h3_50, round(percentile_cont(0.99) within group (order by h3)) h3_99,
 round(percentile_cont(0.5) within group (order by h4)) h4_50, round(percentile_cont(0.99) within group (order by h4)) h4_99,
 round(percentile_cont(0.5) within group (order by tot)) t50, round(percentile_cont(0.99) within group (order by tot)) t99
from j;
