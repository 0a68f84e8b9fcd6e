/**
 * One circuit breaker per outside party (the SMTP server, each webhook endpoint). The breaker
 * itself is the payments service's (`consumers/payments/breaker.ts`): calls through it time
 * out, failures in a row open it, and after a pause one trial call goes through.
 */
import { CircuitBreaker } from "../payments/mod.ts";
import type { SendResult } from "./policy.ts";

/** Thrown inside a breaker call for an answer that says the other side is failing. */
export class UnhealthyAnswer extends Error {
  override name = "UnhealthyAnswer";
  constructor(readonly result: SendResult) {
    super(result.error ?? "the other side is failing");
  }
}

/** How breakers are tuned. */
export interface BreakerTuning {
  /** Failures in a row that open a breaker. */
  failureThreshold: number;
  /** How long a breaker stays open before one trial call. */
  openMs: number;
}

/** Breakers by key, made on first use with the timeout given then. */
export class Breakers {
  #byKey = new Map<string, CircuitBreaker>();

  constructor(readonly tuning: BreakerTuning, readonly now: () => number) {}

  /** The breaker for `key`; its calls time out after `timeoutMs`. */
  for(key: string, timeoutMs: number): CircuitBreaker {
    let b = this.#byKey.get(key);
    if (!b) {
      b = new CircuitBreaker({ ...this.tuning, timeoutMs, now: this.now });
      this.#byKey.set(key, b);
    }
    return b;
  }
}
