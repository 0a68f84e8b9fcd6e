/** The inventory-prices service: rate.updated → the engine's inventory price. */
export { inventoryPrices } from "./service.ts";
