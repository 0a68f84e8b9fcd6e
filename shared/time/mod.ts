/** Abortable waiting ({@link sleep} and {@link every}) and {@link withTimeout}. */
export { every, sleep } from "./every.ts";
export { withTimeout } from "./timeout.ts";
