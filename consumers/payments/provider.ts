/**
 * The payment provider interface berth talks to, and the guard every call goes through (a
 * timeout and a circuit breaker). Every call carries an idempotency key, so a call repeated
 * after a crash or a rolled-back transaction has the provider's first answer and no second effect.
 */
import type { BreakerOptions } from "./breaker.ts";
import { CircuitBreaker, CircuitOpenError, ProviderTimeoutError } from "./breaker.ts";
import type {
  PaymentMetrics,
  ProviderOperation,
  ProviderOutcome,
} from "../../shared/metrics/mod.ts";
import { paymentMetrics, Registry } from "../../shared/metrics/mod.ts";
import { annotateSpan, inSpan, SpanKind } from "../../shared/tracing/mod.ts";

/**
 * Asks the provider to reserve `amount` on the card behind `token`; with `paymentId`, to reserve
 * `amount` more on that payment (an incremental authorization, for a modification that raised
 * the total). The answer then names the same payment.
 */
export interface AuthorizeRequest {
  key: string;
  token: string;
  amount: number;
  currency: string;
  paymentId?: string;
}

/** An authorization's answer: the provider's payment id, or a decline with its reason. */
export type AuthorizeResult =
  | { ok: true; paymentId: string }
  | { ok: false; reason: string };

/** Moves money of an authorized payment: capture it, refund captured money, void the rest. */
export interface MoneyRequest {
  key: string;
  paymentId: string;
  amount: number;
}

/**
 * An outside card network. Declines are answers; timeouts, errors and outages throw.
 * Implementations honour `signal` (the caller stops waiting when it aborts).
 */
export interface PaymentProvider {
  authorize(req: AuthorizeRequest, signal: AbortSignal): Promise<AuthorizeResult>;
  capture(req: MoneyRequest, signal: AbortSignal): Promise<void>;
  refund(req: MoneyRequest, signal: AbortSignal): Promise<void>;
  /** Releases `amount` of an authorization that was not captured: no money moves. */
  void(req: MoneyRequest, signal: AbortSignal): Promise<void>;
}

/**
 * Raised by a provider that answered and refused a move (an unknown payment, a refund larger
 * than the capture): a mistake of the caller, not an outage, so the breaker does not count it.
 */
export class ProviderRejection extends Error {
  override name = "ProviderRejection";
}

/** How a call through the guard ended, for the metrics. */
function outcomeOf(err: unknown): ProviderOutcome {
  if (err instanceof CircuitOpenError) return "circuit_open";
  if (err instanceof ProviderTimeoutError) return "timeout";
  if (err instanceof ProviderRejection) return "rejected";
  return "error";
}

/**
 * A provider whose every call times out and sits behind one circuit breaker; each call is
 * counted by outcome and timed, and the breaker's state is kept as a gauge. When tracing, each
 * call is a CLIENT span (`payment provider authorize`, ...), child of the event it is made for.
 */
export class GuardedProvider {
  readonly breaker: CircuitBreaker;

  constructor(
    readonly provider: PaymentProvider,
    breaker: BreakerOptions,
    readonly metrics: PaymentMetrics = paymentMetrics(new Registry()),
  ) {
    this.breaker = new CircuitBreaker({
      isFailure: (err) => !(err instanceof ProviderRejection),
      ...breaker,
      onStateChange: (state) => {
        metrics.breakerState(state);
        breaker.onStateChange?.(state);
      },
    });
  }

  /** Authorizes; throws ProviderTimeoutError or CircuitOpenError when there is no answer. */
  authorize(req: AuthorizeRequest): Promise<AuthorizeResult> {
    return this.#call(
      "authorize",
      req,
      async (s) => {
        const answer = await this.provider.authorize(req, s);
        annotateSpan({ "berth.payment.answer": answer.ok ? "authorized" : answer.reason });
        return answer;
      },
      (r) => r.ok ? "ok" : "declined",
    );
  }

  /** Captures `amount`. */
  capture(req: MoneyRequest): Promise<void> {
    return this.#call("capture", req, (s) => this.provider.capture(req, s));
  }

  /** Refunds `amount` of captured money. */
  refund(req: MoneyRequest): Promise<void> {
    return this.#call("refund", req, (s) => this.provider.refund(req, s));
  }

  /** Voids `amount` of an uncaptured authorization. */
  void(req: MoneyRequest): Promise<void> {
    return this.#call("void", req, (s) => this.provider.void(req, s));
  }

  async #call<T>(
    operation: ProviderOperation,
    req: { key: string; amount: number },
    fn: (signal: AbortSignal) => Promise<T>,
    answered: (result: T) => ProviderOutcome = () => "ok",
  ): Promise<T> {
    const attributes = { "berth.payment.key": req.key, "berth.payment.amount": req.amount };
    const started = performance.now();
    let outcome: ProviderOutcome = "error";
    try {
      const result = await inSpan(
        `payment provider ${operation}`,
        { kind: SpanKind.CLIENT, attributes },
        () => this.breaker.call(fn),
      );
      outcome = answered(result);
      return result;
    } catch (err) {
      outcome = outcomeOf(err);
      throw err;
    } finally {
      this.metrics.calls.inc({ operation, outcome });
      if (outcome !== "circuit_open") {
        this.metrics.seconds.observe({ operation }, (performance.now() - started) / 1000);
      }
    }
  }
}
