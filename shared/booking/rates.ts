import type { Sql } from "../db/db.ts";
import { lockDates } from "./queries.ts";

/**
 * Sets the price availability quotes and bookings use for one (resource, date), under that
 * date's advisory lock (the lock every booking of it takes). Returns false when the date has
 * no inventory row. Applied from `rate.updated` by the inventory-prices service.
 */
export async function applyRate(
  tx: Sql,
  resourceId: string,
  date: string,
  price: number,
): Promise<boolean> {
  await lockDates(tx, [{ resourceId, date }]);
  const rows = await tx`
    update inventory set price = ${price} where resource_id = ${resourceId} and date = ${date}
    returning 1`;
  return rows.length > 0;
}
