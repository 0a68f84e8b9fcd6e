/**
 * Waiting that an AbortSignal cuts short: the one sleep and the one periodic loop of berth.
 * Both remove their abort listener when they end, so a long-running loop adds none.
 */

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Runs `fn`, waits `intervalMs`, runs it again, until `signal` aborts. `fn` is never run twice
 * at once; an error thrown by it ends the loop (catch inside `fn` to keep going).
 */
export async function every(
  intervalMs: number,
  signal: AbortSignal,
  fn: () => Promise<void>,
): Promise<void> {
  while (!signal.aborted) {
    await fn();
    await sleep(intervalMs, signal);
  }
}
