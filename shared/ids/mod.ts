/** Ids: UUIDv7 for events and records, short prefixed ones for what clients name. */
export { uuidv7 } from "./uuid.ts";
export { prefixedId } from "./prefixed.ts";
