/** The catalogue engine: properties, resources, inventory and price per date, availability. */
export type {
  InventorySetting,
  NewProperty,
  NewResource,
  ResourceAvailability,
  SettingRow,
} from "./catalogue.ts";
export {
  availability,
  createProperty,
  createResource,
  mustFindProperty,
  mustFindResource,
  setInventory,
} from "./catalogue.ts";
export type { AvailabilityRow, InventoryRow, PropertyRow, ResourceRow } from "./queries.ts";
export { findProperty, inventorySettings, listProperties, listResources } from "./queries.ts";
