/**
 * The payment simulator's ledger and idempotency memory in Postgres (schema `payment_simulator`,
 * migrations/0025). Each function is one autocommit statement (or two) on the simulator's own
 * `Sql`: the simulator stands for an outside party, so its writes never join a berth transaction.
 */
import type { Sql } from "../../shared/db/mod.ts";
import { isPgError } from "../../shared/db/mod.ts";
import type { AuthorizeRequest, AuthorizeResult, MoneyRequest } from "./provider.ts";

/** What the simulator knows about one payment. */
export interface SimulatedPayment {
  paymentId: string;
  currency: string;
  authorized: number;
  captured: number;
  refunded: number;
  voided: number;
}

/** A move of money at the simulator. */
export type MoveOp = "capture" | "refund" | "void";

/**
 * How a move ended: it moved money now, its key had already moved it, the payment is unknown,
 * or the ledger refused it (a refund above what was captured).
 */
export type MoveOutcome = "moved" | "done" | "no_payment" | "refused";

/** The first answer given to an authorization with this key; null when there was none. */
export async function authorization(sql: Sql, key: string): Promise<AuthorizeResult | null> {
  const [row] = await sql<{ payment_id: string | null; decline_reason: string | null }[]>`
    select payment_id, decline_reason from payment_simulator.requests
    where op = 'authorize' and key = ${key}`;
  if (!row) return null;
  return row.payment_id
    ? { ok: true, paymentId: row.payment_id }
    : { ok: false, reason: row.decline_reason! };
}

/**
 * Records an authorization's answer and, when it authorized, opens the payment (or, for an
 * increment, adds to it), in one statement. False when the key already had an answer (a
 * concurrent call recorded it first).
 */
export async function recordAuthorization(
  sql: Sql,
  req: AuthorizeRequest,
  result: AuthorizeResult,
): Promise<boolean> {
  const paymentId = result.ok ? result.paymentId : null;
  const reason = result.ok ? null : result.reason;
  const [row] = await sql<{ fresh: boolean }[]>`
    with answer as (
      insert into payment_simulator.requests (op, key, payment_id, decline_reason, amount)
      values ('authorize', ${req.key}, ${paymentId}, ${reason}, ${req.amount})
      on conflict do nothing
      returning payment_id
    ), opened as (
      insert into payment_simulator.payments as p (payment_id, currency, authorized)
      select payment_id, ${req.currency}, ${req.amount} from answer where payment_id is not null
      on conflict (payment_id) do update set authorized = p.authorized + excluded.authorized,
        updated_at = now()
      returning payment_id
    )
    select exists (select 1 from answer) as fresh`;
  return row.fresh;
}

/**
 * Applies a move once per (op, key) in one statement: the ledger update (a refund only while
 * `refunded + amount <= captured`) and its idempotency row commit together or not at all. A
 * refused move leaves no row, so asking again re-evaluates it.
 */
export async function applyMove(sql: Sql, op: MoveOp, req: MoneyRequest): Promise<MoveOutcome> {
  let outcome: MoveOutcome;
  try {
    const [row] = await sql<{ moved: boolean; done: boolean; known: boolean }[]>`
      with a as (
        select ${op}::text as op, ${req.key}::text as key, ${req.paymentId}::text as payment_id,
          ${req.amount}::bigint as amount
      ), moved as (
        update payment_simulator.payments p set
          captured = p.captured + case when a.op = 'capture' then a.amount else 0 end,
          refunded = p.refunded + case when a.op = 'refund' then a.amount else 0 end,
          voided = p.voided + case when a.op = 'void' then a.amount else 0 end,
          updated_at = now()
        from a
        where p.payment_id = a.payment_id
          and (a.op <> 'refund' or p.refunded + a.amount <= p.captured)
          and not exists (
            select 1 from payment_simulator.requests r where r.op = a.op and r.key = a.key)
        returning p.payment_id
      ), recorded as (
        insert into payment_simulator.requests (op, key, payment_id, amount)
        select a.op, a.key, a.payment_id, a.amount from a, moved
        returning key
      )
      select exists (select 1 from recorded) as moved,
        exists (select 1 from payment_simulator.requests r, a where r.op = a.op and r.key = a.key)
          as done,
        exists (select 1 from payment_simulator.payments p, a where p.payment_id = a.payment_id)
          as known`;
    outcome = row.moved ? "moved" : row.done ? "done" : row.known ? "refused" : "no_payment";
  } catch (err) {
    // A concurrent call with the same key committed first: this statement rolled back whole.
    if (isPgError(err, "23505")) return "done";
    throw err;
  }
  if (outcome === "refused" && await moveDone(sql, op, req.key)) return "done";
  return outcome;
}

async function moveDone(sql: Sql, op: MoveOp, key: string): Promise<boolean> {
  const rows = await sql`
    select 1 from payment_simulator.requests where op = ${op} and key = ${key}`;
  return rows.length > 0;
}

/** One payment's ledger; null when the simulator never authorized it. */
export async function readPayment(sql: Sql, paymentId: string): Promise<SimulatedPayment | null> {
  const [r] = await sql`
    select payment_id, currency, authorized, captured, refunded, voided
    from payment_simulator.payments where payment_id = ${paymentId}`;
  if (!r) return null;
  return {
    paymentId: r.payment_id,
    currency: r.currency.trim(),
    authorized: Number(r.authorized),
    captured: Number(r.captured),
    refunded: Number(r.refunded),
    voided: Number(r.voided),
  };
}
