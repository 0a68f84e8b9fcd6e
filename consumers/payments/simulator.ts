/**
 * The built-in payment simulator, deterministic by token: `tok_ok…` authorizes, `tok_decline…`
 * is declined, `tok_slow…` never answers (it waits until the caller gives up), any other token is
 * declined as `invalid_token`. A token with `_limit<amount>` (`tok_ok_limit30000`) is a card
 * with that limit: an authorization, or an increment of one, that would take the payment beyond
 * it is declined as `insufficient_funds`. Payment ids derive from the idempotency key, so the
 * same request always gets the same id; an increment names the payment it adds to. It keeps a ledger per payment (what was authorized, captured,
 * refunded, voided) and its idempotency memory in Postgres (schema `payment_simulator`), like a
 * real card network that outlives a berth restart, and refuses moves the ledger does not allow.
 */
import type { Sql } from "../../shared/db/mod.ts";
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
    const result = await this.#answer(req);
    if (await ledger.recordAuthorization(this.#sql, req, result)) return result;
    return (await ledger.authorization(this.#sql, req.key)) ?? result;
  }

  async #answer(req: AuthorizeRequest): Promise<AuthorizeResult> {
    if (req.token.startsWith("tok_decline")) return { ok: false, reason: "card_declined" };
    if (!req.token.startsWith("tok_ok")) return { ok: false, reason: "invalid_token" };
    const held = req.paymentId ? await ledger.readPayment(this.#sql, req.paymentId) : null;
    if (req.paymentId && !held) throw new SimulatorRejection(`no payment ${req.paymentId}`);
    const limit = /_limit(\d+)/.exec(req.token);
    if (limit && (held?.authorized ?? 0) + req.amount > Number(limit[1])) {
      return { ok: false, reason: "insufficient_funds" };
    }
    const paymentId = req.paymentId ?? `pay_${req.key.replaceAll("-", "")}`.slice(0, 64);
    return { ok: true, paymentId };
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
