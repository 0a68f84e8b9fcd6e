/** berth's api as a client calls it: one request, and a booking retried as integrators should. */
export { apiClient, request } from "./http.ts";
export type { Answer, ApiClient, Send } from "./http.ts";
export { bookWithRetries, retryable } from "./booking.ts";
