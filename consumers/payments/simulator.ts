/**
 * The built-in payment simulator, deterministic by token: `tok_ok…` authorizes, `tok_decline…`
 * is declined, `tok_slow…` never answers (it waits until the caller gives up), any other token is
 * declined as `invalid_token`. Payment ids derive from the idempotency key, so the same request
 * always gets the same id. It keeps a ledger per payment (what was authorized, captured,
 * refunded, voided) that tests read, and refuses moves the ledger does not allow.
 */
import type {
  AuthorizeRequest,
  AuthorizeResult,
  MoneyRequest,
  PaymentProvider,
} from "./provider.ts";
import { ProviderRejection } from "./provider.ts";

/** What the simulator knows about one payment. */
export interface SimulatedPayment {
  paymentId: string;
  currency: string;
  authorized: number;
  captured: number;
  refunded: number;
  voided: number;
}

/** Raised when a move does not fit the payment's ledger (an error of the caller, not an outage). */
export class SimulatorRejection extends ProviderRejection {
  override name = "SimulatorRejection";
}

/** The deterministic card network of DESIGN.md; the one stand-in berth's tests use. */
export class PaymentSimulator implements PaymentProvider {
  readonly payments = new Map<string, SimulatedPayment>();
  readonly #done = new Map<string, unknown>();
  /** Every call as `<op> <key>`, in order: for tests. */
  readonly calls: string[] = [];

  authorize(req: AuthorizeRequest, signal: AbortSignal): Promise<AuthorizeResult> {
    this.calls.push(`authorize ${req.key}`);
    const seen = this.#done.get(`authorize ${req.key}`) as AuthorizeResult | undefined;
    if (seen) return Promise.resolve(seen);
    if (req.token.startsWith("tok_slow")) return never(signal);
    let result: AuthorizeResult;
    if (req.token.startsWith("tok_ok")) {
      const paymentId = `pay_${req.key.replaceAll("-", "")}`.slice(0, 64);
      this.payments.set(paymentId, {
        paymentId,
        currency: req.currency,
        authorized: req.amount,
        captured: 0,
        refunded: 0,
        voided: 0,
      });
      result = { ok: true, paymentId };
    } else if (req.token.startsWith("tok_decline")) {
      result = { ok: false, reason: "card_declined" };
    } else {
      result = { ok: false, reason: "invalid_token" };
    }
    this.#done.set(`authorize ${req.key}`, result);
    return Promise.resolve(result);
  }

  capture(req: MoneyRequest): Promise<void> {
    return this.#move("capture", req, (p) => {
      p.captured += req.amount;
    });
  }

  refund(req: MoneyRequest): Promise<void> {
    return this.#move("refund", req, (p) => {
      if (p.refunded + req.amount > p.captured) {
        throw new SimulatorRejection(`refund of ${req.amount} exceeds what was captured`);
      }
      p.refunded += req.amount;
    });
  }

  void(req: MoneyRequest): Promise<void> {
    return this.#move("void", req, (p) => {
      p.voided += req.amount;
    });
  }

  #move(op: string, req: MoneyRequest, apply: (p: SimulatedPayment) => void): Promise<void> {
    this.calls.push(`${op} ${req.key}`);
    if (this.#done.has(`${op} ${req.key}`)) return Promise.resolve();
    const p = this.payments.get(req.paymentId);
    if (!p) return Promise.reject(new SimulatorRejection(`no payment ${req.paymentId}`));
    try {
      apply(p);
    } catch (err) {
      return Promise.reject(err);
    }
    this.#done.set(`${op} ${req.key}`, true);
    return Promise.resolve();
  }
}

function never(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}
