/**
 * A booking as the README tells integrators to make one: sent again with the same
 * Idempotency-Key while the answer is worth another try, until a 201 or a final refusal.
 */
import type { Answer, ApiClient } from "./http.ts";

/** What an attempt's answer means for retrying: none, 408, 429 and 5xx are worth another try. */
export const retryable = (status: number) =>
  status === 0 || status === 408 || status === 429 || status >= 500;

/**
 * POSTs `body` to /v1/reservations with `Idempotency-Key: key` until it gets a 201 or a final
 * refusal, or `deadline` (epoch ms) passes, backing off from 250 ms to 2 s. Each attempt waits
 * up to 15 s for its answer; one that gets none counts as status 0. `onAttempt` hears of each.
 * Returns the last answer.
 */
export async function bookWithRetries(
  client: ApiClient,
  body: unknown,
  key: string,
  deadline: number,
  onAttempt: (status: number) => void = () => {},
): Promise<Answer> {
  let wait = 250;
  for (;;) {
    const answer = await client.send(
      "POST",
      "/v1/reservations",
      body,
      { "idempotency-key": key },
      AbortSignal.timeout(15_000),
    ).catch((err): Answer => ({ status: 0, body: String(err), headers: new Headers() }));
    onAttempt(answer.status);
    if (!retryable(answer.status) || Date.now() >= deadline) return answer;
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 2, 2000);
  }
}
