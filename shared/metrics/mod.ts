/**
 * berth's metrics on prom-client: the catalogue of every metric (catalogue.ts), the platform's
 * gauges read at each scrape (platform.ts), and the hub that sums the registries of every api
 * and workers process (hub.ts), so that /metrics answers for the whole platform.
 * @module
 */
export { Registry } from "prom-client";
export * from "./catalogue.ts";
export { PlatformMetrics } from "./platform.ts";
export type { MetricsJson } from "./hub.ts";
export { MetricsHub, serveRegistry } from "./hub.ts";
export { readSocket } from "./socket.ts";
export type { Scrape } from "./exposition.ts";
export { labelsOf, nameOf, parseScrape, seriesOf, sumOf, valuesOf } from "./exposition.ts";
