/** The dynamic rates service: occupancy-driven prices, rate history, applied rates. */
export { rates } from "./service.ts";
export { dynamicPrice, multiplierBps, type RateRules, type Tier } from "./pricing.ts";
