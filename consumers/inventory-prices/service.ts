import { applyRate } from "../../shared/booking/mod.ts";
import { log } from "../../shared/log/log.ts";
import { defineService } from "../runtime/mod.ts";

/**
 * Applies `rate.updated` to the engine's inventory price, under the (resource, date) lock, so
 * availability quotes it and the next booking of that date is priced with it.
 */
export const inventoryPrices = defineService({
  name: "inventory-prices",
  events: ["rate.updated"],
  async handle(tx, event) {
    const { resourceId, date, price } = event.data;
    if (!(await applyRate(tx, resourceId, date, price))) {
      log.warn("rate for a date without inventory ignored", { resourceId, date });
    }
  },
});
