-- booking_apply joins each command's few keys (its needs, deltas and seats, read from jsonb)
-- with inventory and seat_holds. The planner takes any jsonb_to_recordset for 100 rows, so it
-- hashed the whole table and scanned it for every command: ~3 ms a statement with 7,000
-- inventory rows, and more with every property and date added. The keys are always few, so
-- inside booking_apply (and the functions it calls) every join is a nested loop over the
-- primary keys. A later `create or replace function booking_apply` must keep these settings
-- (shared/booking/plans_test.ts fails without them).
alter function booking_apply(jsonb) set enable_hashjoin = off;
alter function booking_apply(jsonb) set enable_mergejoin = off;
