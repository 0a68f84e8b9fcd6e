/** The dynamic rates service: occupancy-driven prices, rate history, applied rates. */
export { rates } from "./service.ts";
export type { RateRules, Tier } from "./pricing.ts";
export { dynamicPrice, multiplierBps } from "./pricing.ts";
