/** Ids (UUIDv7). */
export { uuidv7 } from "./uuid.ts";
