/**
 * A circuit breaker for calls to outside parties (an SMTP server, a webhook endpoint).
 *
 * Closed: calls pass; `failureThreshold` failures in a row open it. Open: calls are refused
 * until `openMs` has passed. Half-open: one trial call passes; its success closes the breaker,
 * its failure opens it again for another `openMs`. The clock is passed in.
 */
export class CircuitBreaker {
  #state: "closed" | "open" | "half_open" = "closed";
  #failures = 0;
  #openedAt = 0;
  #trialRunning = false;

  constructor(
    readonly opts: { failureThreshold: number; openMs: number; now: () => number },
  ) {}

  /** `closed`, `open` or `half_open`, as of now. */
  get state(): "closed" | "open" | "half_open" {
    if (this.#state === "open" && this.opts.now() - this.#openedAt >= this.opts.openMs) {
      this.#state = "half_open";
      this.#trialRunning = false;
    }
    return this.#state;
  }

  /** When a refused call may be tried again (epoch ms); now when the breaker is closed. */
  get retryAt(): number {
    return this.#state === "closed" ? this.opts.now() : this.#openedAt + this.opts.openMs;
  }

  /** True when a call may go out now; in half-open state only one trial at a time. */
  tryPass(): boolean {
    const state = this.state;
    if (state === "closed") return true;
    if (state === "open" || this.#trialRunning) return false;
    this.#trialRunning = true;
    return true;
  }

  /** Records a call that reached the other side and was answered well. */
  success(): void {
    this.#state = "closed";
    this.#failures = 0;
    this.#trialRunning = false;
  }

  /** Records a call that timed out, could not connect, or met a server error. */
  failure(): void {
    this.#failures++;
    this.#trialRunning = false;
    if (this.#state === "half_open" || this.#failures >= this.opts.failureThreshold) {
      this.#state = "open";
      this.#openedAt = this.opts.now();
    }
  }
}

/** One breaker per key (e.g. per webhook endpoint), made on first use. */
export class Breakers {
  #byKey = new Map<string, CircuitBreaker>();

  constructor(
    readonly opts: { failureThreshold: number; openMs: number; now: () => number },
  ) {}

  /** The breaker for `key`. */
  for(key: string): CircuitBreaker {
    let b = this.#byKey.get(key);
    if (!b) this.#byKey.set(key, b = new CircuitBreaker(this.opts));
    return b;
  }
}
