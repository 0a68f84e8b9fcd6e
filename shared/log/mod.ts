/** JSON-line logs carrying the correlation id. */
export { configureLog, log, withLogContext } from "./log.ts";
