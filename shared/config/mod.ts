/** Configuration, parsed once with zod at start-up. */
export { ConfigError, configSchema, loadConfig, loadConfigOrExit } from "./config.ts";
export type { Config } from "./config.ts";
