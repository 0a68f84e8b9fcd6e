/** The booking history service: a projection of the reservation events per user. */
export { applyHistory, history, historyEvents } from "./service.ts";
export { historyReplay } from "./replay.ts";
