/** What happens to an event that fails alone, try after try: pure, so it is tested by itself. */

/** Waits between the tries of a failing event: five retries after the first try. */
export const RETRY_DELAYS_MS: readonly number[] = [100, 200, 400, 800, 1600];

/** What follows a failed try: another try after a wait, or the DLQ. */
export type NextStep = { retryInMs: number } | "dead_letter";

/**
 * What follows the failure of try `failed` (1 = the first try): the next try after the delay
 * of that try, or, once every delay has been waited, the DLQ (after `delays.length + 1` tries).
 */
export function afterFailure(
  failed: number,
  delays: readonly number[] = RETRY_DELAYS_MS,
): NextStep {
  return failed <= delays.length ? { retryInMs: delays[failed - 1] } : "dead_letter";
}
