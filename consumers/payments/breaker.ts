/**
 * A circuit breaker for calls to an outside party. `closed`: calls go through; after
 * `failureThreshold` failures in a row it opens. `open`: calls fail at once with
 * {@link CircuitOpenError} until `openMs` has passed. `half_open`: one trial call goes through;
 * success closes the breaker, failure opens it again for another `openMs`. Calls are bounded by
 * `timeoutMs` (a {@link ProviderTimeoutError} counts as a failure). The clock is passed in.
 */
export type BreakerState = "closed" | "open" | "half_open";

/** How a breaker behaves. */
export interface BreakerOptions {
  /** Failures in a row that open the breaker (default 5). */
  failureThreshold?: number;
  /** How long it stays open before letting one trial call through (default 5000 ms). */
  openMs?: number;
  /** Each call is abandoned after this long (default 2000 ms). */
  timeoutMs: number;
  /** The clock, in milliseconds (default `Date.now`). */
  now?: () => number;
  /** Says whether an error is the outside party failing (default: every error is). */
  isFailure?: (err: unknown) => boolean;
  /** Called on every state change: for logs and metrics. */
  onStateChange?: (state: BreakerState) => void;
}

/** Raised when the breaker is open (or half-open with its trial call under way). */
export class CircuitOpenError extends Error {
  override name = "CircuitOpenError";
  constructor(readonly retryAt: number) {
    super("the circuit breaker is open: the provider is not called");
  }
}

/** Raised when a call does not answer within the timeout. */
export class ProviderTimeoutError extends Error {
  override name = "ProviderTimeoutError";
  constructor(timeoutMs: number, options?: ErrorOptions) {
    super(`no answer within ${timeoutMs} ms`, options);
  }
}

/** Counts failures of calls through it and stops calling while the other side is failing. */
export class CircuitBreaker {
  #state: BreakerState = "closed";
  #failures = 0;
  #openedAt = 0;
  #trial = false;
  readonly #threshold: number;
  readonly #openMs: number;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #isFailure: (err: unknown) => boolean;
  readonly #onChange?: (state: BreakerState) => void;

  constructor(opts: BreakerOptions) {
    this.#threshold = opts.failureThreshold ?? 5;
    this.#openMs = opts.openMs ?? 5000;
    this.#timeoutMs = opts.timeoutMs;
    this.#now = opts.now ?? Date.now;
    this.#isFailure = opts.isFailure ?? (() => true);
    this.#onChange = opts.onStateChange;
  }

  /** The state now (an open breaker whose pause has passed reads `half_open`). */
  get state(): BreakerState {
    if (this.#state === "open" && this.#now() - this.#openedAt >= this.#openMs) {
      this.#set("half_open");
    }
    return this.#state;
  }

  /**
   * Runs `fn` with a signal that aborts at the timeout (or when `signal` aborts). Throws
   * CircuitOpenError without calling `fn` while open, ProviderTimeoutError at the timeout.
   */
  async call<T>(fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const state = this.state;
    if (state === "open" || (state === "half_open" && this.#trial)) {
      throw new CircuitOpenError(this.#openedAt + this.#openMs);
    }
    if (state === "half_open") this.#trial = true;
    try {
      const result = await this.#withTimeout(fn, signal);
      this.#success();
      return result;
    } catch (err) {
      if (this.#isFailure(err)) this.#failure();
      else this.#success();
      throw err;
    } finally {
      if (state === "half_open") this.#trial = false;
    }
  }

  async #withTimeout<T>(fn: (signal: AbortSignal) => Promise<T>, outer?: AbortSignal) {
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => ctl.abort(outer?.reason);
    outer?.addEventListener("abort", onAbort, { once: true });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new ProviderTimeoutError(this.#timeoutMs);
        ctl.abort(err);
        reject(err);
      }, this.#timeoutMs);
    });
    try {
      return await Promise.race([fn(ctl.signal), timeout]);
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener("abort", onAbort);
    }
  }

  #success() {
    this.#failures = 0;
    if (this.#state !== "closed") this.#set("closed");
  }

  #failure() {
    this.#failures++;
    if (this.#state === "half_open" || this.#failures >= this.#threshold) {
      this.#openedAt = this.#now();
      this.#set("open");
    }
  }

  #set(state: BreakerState) {
    if (this.#state === state) return;
    this.#state = state;
    this.#onChange?.(state);
  }
}
