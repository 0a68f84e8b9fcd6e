/** Abortable waiting: {@link sleep} and {@link every}. */
export { every, sleep } from "./every.ts";
