-- The payment simulator's own ledger: it stands for an outside card network, so its state
-- outlives a workers restart and is written only by consumers/payments/simulator.ts, through
-- its own autocommit statements (never inside berth's consumer transactions).
create schema payment_simulator;

-- One payment per successful authorization: what the card network holds and has moved.
create table payment_simulator.payments (
  payment_id text primary key,
  currency char(3) not null,
  authorized bigint not null check (authorized >= 0),
  captured bigint not null default 0 check (captured >= 0),
  refunded bigint not null default 0 check (refunded >= 0),
  voided bigint not null default 0 check (voided >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (refunded <= captured)
);

-- The idempotency memory: one row per (operation, key) that got an answer. An authorization
-- keeps its answer (a payment id or a decline reason); a move is recorded only when it moved
-- money, so a refused move can be asked again.
create table payment_simulator.requests (
  op text not null check (op in ('authorize', 'capture', 'refund', 'void')),
  key text not null,
  payment_id text,
  decline_reason text,
  amount bigint check (amount >= 0),
  at timestamptz not null default now(),
  primary key (op, key),
  check ((payment_id is null) <> (decline_reason is null))
);
