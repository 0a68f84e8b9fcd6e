/** Dynamic rates over HTTP: rules, current prices, rate history, applied rates. */
export { rateRoutes } from "./routes.ts";
