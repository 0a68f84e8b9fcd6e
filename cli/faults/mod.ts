/** `up` in a process of its own, and a booking client, for tests that kill processes. */
export { Booker } from "./booking.ts";
export { startUp } from "./up.ts";
export type { UpProcess } from "./up.ts";
