/** The payments service's queries: its own tables in the `payments` schema, and one policy read. */
import type { Sql } from "../../shared/db/db.ts";
import type { CancellationPolicy, CaptureAt, MoneyStep, PaymentMoney } from "./policy.ts";

/** A payment row as the service uses it. */
export interface PaymentRow extends PaymentMoney {
  reservationId: string;
  propertyId: string;
  currency: string;
  authorized: number;
  voided: number;
  providerPaymentId: string | null;
  captureAt: CaptureAt;
  startsAt: Date;
}

/** A new payment: authorized (with the provider's id) or failed (with the reason). */
export interface NewPayment {
  reservationId: string;
  propertyId: string;
  currency: string;
  amount: number;
  status: "authorized" | "failed";
  providerPaymentId: string | null;
  failureReason: string | null;
  captureAt: CaptureAt;
  startsAt: Date;
  now: Date;
}

/** Records the outcome of an authorization. */
export async function insertPayment(tx: Sql, p: NewPayment): Promise<void> {
  await tx`
    insert into payments.payments (reservation_id, property_id, currency, amount, authorized,
      status, provider_payment_id, failure_reason, capture_at, starts_at, created_at, updated_at)
    values (${p.reservationId}, ${p.propertyId}, ${p.currency}, ${p.amount},
      ${p.status === "authorized" ? p.amount : 0}, ${p.status}, ${p.providerPaymentId},
      ${p.failureReason}, ${p.captureAt}, ${p.startsAt}, ${p.now}, ${p.now})`;
}

/** The payment of a reservation, locked for the rest of the transaction; null when none. */
export async function lockPayment(tx: Sql, reservationId: string): Promise<PaymentRow | null> {
  const rows = await tx`
    select reservation_id, property_id, currency, amount, authorized, captured, refunded, voided,
      status, provider_payment_id, capture_at, starts_at
    from payments.payments where reservation_id = ${reservationId} for update`;
  const r = rows[0];
  if (!r) return null;
  return {
    reservationId: r.reservation_id,
    propertyId: r.property_id,
    currency: r.currency.trim(),
    amount: Number(r.amount),
    authorized: Number(r.authorized),
    captured: Number(r.captured),
    refunded: Number(r.refunded),
    voided: Number(r.voided),
    status: r.status,
    providerPaymentId: r.provider_payment_id,
    captureAt: r.capture_at,
    startsAt: new Date(r.starts_at),
  };
}

/** Records one provider movement and adds it to the payment's totals. */
export async function recordMove(
  tx: Sql,
  p: PaymentRow,
  step: MoneyStep,
  reason: string,
  at: Date,
): Promise<void> {
  const add = (op: MoneyStep["op"]) => (step.op === op ? step.amount : 0);
  await tx`
    update payments.payments set captured = captured + ${add("capture")},
      refunded = refunded + ${add("refund")}, voided = voided + ${add("void")}, updated_at = ${at}
    where reservation_id = ${p.reservationId}`;
  await tx`
    insert into payments.movements (reservation_id, property_id, currency, kind, amount, reason, at)
    values (${p.reservationId}, ${p.propertyId}, ${p.currency}, ${step.op}, ${step.amount},
      ${reason}, ${at})`;
}

/** Sets the status (and, after a modification, the amount, capture rule and start). */
export async function updatePayment(
  tx: Sql,
  reservationId: string,
  set: { status: PaymentRow["status"]; amount?: number; captureAt?: CaptureAt; startsAt?: Date },
  at: Date,
): Promise<void> {
  await tx`
    update payments.payments set status = ${set.status},
      amount = coalesce(${set.amount ?? null}::bigint, amount),
      capture_at = coalesce(${set.captureAt ?? null}::text, capture_at),
      starts_at = coalesce(${set.startsAt ?? null}::timestamptz, starts_at),
      updated_at = ${at}
    where reservation_id = ${reservationId}`;
}

/** A property's cancellation policy and the start of `date` in its time zone. */
export async function policyAndStart(
  tx: Sql,
  propertyId: string,
  date: string,
): Promise<CancellationPolicy & { startsAt: Date }> {
  const [r] = await tx`
    select free_cancel_hours, late_refund_percent,
      (${date}::date::timestamp at time zone timezone) as starts_at
    from properties where id = ${propertyId}`;
  if (!r) {
    // Unknown here (another database, a deleted property): the strictest reading is a full refund.
    return {
      freeCancelHours: 0,
      lateRefundPercent: 100,
      startsAt: new Date(`${date}T00:00:00Z`),
    };
  }
  return {
    freeCancelHours: r.free_cancel_hours,
    lateRefundPercent: r.late_refund_percent,
    startsAt: new Date(r.starts_at),
  };
}
