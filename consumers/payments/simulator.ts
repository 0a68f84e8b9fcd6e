/**
 * The built-in payment simulator, deterministic by token: `tok_ok…` authorizes, `tok_decline…`
 * is declined, `tok_slow…` never answers (it waits until the caller gives up), any other token is
 * declined as `invalid_token`. Payment ids derive from the idempotency key, so the same request
 * always gets the same id. It keeps a ledger per payment (what was authorized, captured,
 * refunded, voided) and its idempotency memory in Postgres (schema `payment_simulator`), like a
 * real card network that outlives a berth restart, and refuses moves the ledger does not allow.
 */
import type { Sql } from "../../shared/db/db.ts";
import type {
  AuthorizeRequest,
  AuthorizeResult,
  MoneyRequest,
  PaymentProvider,
} from "./provider.ts";
import { ProviderRejection } from "./provider.ts";
import * as ledger from "./simulator_ledger.ts";

export type { SimulatedPayment } from "./simulator_ledger.ts";

/** How many recent calls {@link PaymentSimulator.calls} keeps. */
export const SIMULATOR_CALLS_KEPT = 1000;

/** Raised when a move does not fit the payment's ledger (an error of the caller, not an outage). */
export class SimulatorRejection extends ProviderRejection {
  override name = "SimulatorRejection";
}

/**
 * The deterministic card network of DESIGN.md; the one stand-in berth's tests use. Its state
 * lives in Postgres behind its own `sql`, written in autocommit statements: a new instance (a
 * restart) continues every payment the previous one authorized.
 */
export class PaymentSimulator implements PaymentProvider {
  readonly #sql: Sql;
  /** The last {@link SIMULATOR_CALLS_KEPT} calls as `<op> <key>`, in order: for tests. */
  readonly calls: string[] = [];

  /** `sql` is the simulator's own connection pool, never a berth transaction. */
  constructor(sql: Sql) {
    this.#sql = sql;
  }

  /** One payment's ledger, or undefined when the simulator never authorized it. */
  async payment(paymentId: string): Promise<ledger.SimulatedPayment | undefined> {
    return (await ledger.readPayment(this.#sql, paymentId)) ?? undefined;
  }

  async authorize(req: AuthorizeRequest, signal: AbortSignal): Promise<AuthorizeResult> {
    this.#called(`authorize ${req.key}`);
    const seen = await ledger.authorization(this.#sql, req.key);
    if (seen) return seen;
    if (req.token.startsWith("tok_slow")) return await never(signal);
    let result: AuthorizeResult;
    if (req.token.startsWith("tok_ok")) {
      result = { ok: true, paymentId: `pay_${req.key.replaceAll("-", "")}`.slice(0, 64) };
    } else if (req.token.startsWith("tok_decline")) {
      result = { ok: false, reason: "card_declined" };
    } else {
      result = { ok: false, reason: "invalid_token" };
    }
    if (await ledger.recordAuthorization(this.#sql, req, result)) return result;
    return (await ledger.authorization(this.#sql, req.key)) ?? result;
  }

  capture(req: MoneyRequest): Promise<void> {
    return this.#move("capture", req);
  }

  refund(req: MoneyRequest): Promise<void> {
    return this.#move("refund", req);
  }

  void(req: MoneyRequest): Promise<void> {
    return this.#move("void", req);
  }

  async #move(op: ledger.MoveOp, req: MoneyRequest): Promise<void> {
    this.#called(`${op} ${req.key}`);
    const outcome = await ledger.applyMove(this.#sql, op, req);
    if (outcome === "no_payment") throw new SimulatorRejection(`no payment ${req.paymentId}`);
    if (outcome === "refused") {
      throw new SimulatorRejection(`refund of ${req.amount} exceeds what was captured`);
    }
  }

  #called(call: string) {
    this.calls.push(call);
    if (this.calls.length > SIMULATOR_CALLS_KEPT) this.calls.shift();
  }
}

function never(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}
