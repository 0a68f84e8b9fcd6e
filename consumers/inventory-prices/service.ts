import { applyCommands, decide } from "../../shared/booking/mod.ts";
import { log } from "../../shared/log/mod.ts";
import { defineService } from "../runtime/mod.ts";

/**
 * Applies `rate.updated` to the engine's inventory price, so availability quotes it and the
 * next booking of that date is priced with it. A batch is one `booking_apply` statement that
 * takes the (resource, date) locks every booking of those dates takes, up front and in order.
 */
export const inventoryPrices = defineService({
  name: "inventory-prices",
  events: ["rate.updated"],
  async applyBatch(sql, batch, _attempt, clock) {
    const commands = batch.map(({ event, inbox }) => {
      const { resourceId, date, price } = event.data;
      const ctx = { ...clock, correlationId: event.correlationId, causationId: event.id };
      return { ...decide({ type: "price", resourceId, date, price }, null, ctx).command, ...inbox };
    });
    const outcomes = await applyCommands(sql, {
      now: clock.now,
      service: "inventory-prices",
      commands,
    });
    return outcomes.map((o, i) => {
      if (o === "missing") {
        const { resourceId, date } = batch[i].event.data;
        log.warn("rate for a date without inventory ignored", { resourceId, date });
      }
      return o === "duplicate" ? "duplicate" : "applied";
    });
  },
});
