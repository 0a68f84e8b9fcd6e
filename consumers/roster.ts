/**
 * Every consuming service the workers process runs, as who it is (name and events read). The
 * workers compose their services in this order, and the NATS identities (one user per service,
 * with rights on its own consumers only) are derived from it (cli/infra/natsauth.ts), so a
 * service added here gets both.
 */
import type { ServiceIdentity } from "./runtime/mod.ts";
import type { Projection } from "./projections/mod.ts";
import { audit, auditReplay } from "./audit/mod.ts";
import { history, historyReplay } from "./history/mod.ts";
import { analytics, analyticsReplay } from "./analytics/mod.ts";
import { rates } from "./rates/mod.ts";
import { inventoryPrices } from "./inventory-prices/mod.ts";
import { notificationsService } from "./notifications/mod.ts";
import { payments } from "./payments/mod.ts";
import { reservations } from "./reservations/mod.ts";

/** The services, each named as its NATS user is. */
export const consumingServices: readonly ServiceIdentity[] = [
  audit,
  history,
  analytics,
  rates,
  inventoryPrices,
  notificationsService,
  payments,
  reservations,
];

/**
 * Every projection `./berth projections` knows, by name. (Here, not in projections/, which the
 * services' replay descriptors import: the list of them belongs with the list of services.)
 */
export const projections: Record<string, Projection> = {
  analytics: analyticsReplay,
  audit: auditReplay,
  history: historyReplay,
};
