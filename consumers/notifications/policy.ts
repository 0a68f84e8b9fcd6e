/** What happens to a delivery after an attempt: pure, the clock passed in. */

/** The outcome of one attempt on the wire. */
export interface SendResult {
  ok: boolean;
  /** HTTP status of a webhook answer, SMTP reply code of a refused e-mail. */
  statusCode?: number;
  error?: string;
  /** Retrying cannot help (an SMTP 5xx for the recipient). */
  permanent?: boolean;
  /** The other side is unreachable or failing (timeout, refused, 5xx): counts for the breaker. */
  unhealthy?: boolean;
}

/** How often and how soon deliveries are retried. */
export interface RetryPolicy {
  /** Waits before the 2nd, 3rd, ... attempt; the attempts are 1 + its length. */
  delaysMs: readonly number[];
  /** 410 answers in a row after which a webhook endpoint is disabled. */
  goneThreshold: number;
}

/** Production defaults: seven attempts over about 8.6 hours, disable after three 410s in a row. */
export const defaultRetryPolicy: RetryPolicy = {
  delaysMs: [10_000, 60_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000, 6 * 3600_000],
  goneThreshold: 3,
};

/** The delivery's next state. */
export type Decision =
  | { status: "sent" }
  | { status: "pending"; nextAttemptAt: Date; error: string }
  | { status: "failed"; error: string; disableEndpoint: boolean };

/**
 * Decides after attempt number `attempt` (1-based). `goneInARow` is the endpoint's count of 410
 * answers in a row including this one (0 for e-mail or any other answer).
 */
export function decide(input: {
  attempt: number;
  result: SendResult;
  goneInARow: number;
  policy: RetryPolicy;
  now: Date;
}): Decision {
  const { attempt, result, goneInARow, policy, now } = input;
  if (result.ok) return { status: "sent" };
  const error = result.error ?? `failed with ${result.statusCode ?? "no answer"}`;
  if (goneInARow >= policy.goneThreshold) {
    return {
      status: "failed",
      error: `endpoint disabled: ${goneInARow} answers 410 Gone in a row`,
      disableEndpoint: true,
    };
  }
  if (result.permanent) return { status: "failed", error, disableEndpoint: false };
  const delay = policy.delaysMs[attempt - 1];
  if (delay === undefined) {
    return {
      status: "failed",
      error: `gave up after ${attempt} attempts: ${error}`,
      disableEndpoint: false,
    };
  }
  return { status: "pending", nextAttemptAt: new Date(now.getTime() + delay), error };
}
