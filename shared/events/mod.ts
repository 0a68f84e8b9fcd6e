/** The event catalogue, the envelope, its signature and the stream definitions. */
export * from "./catalogue.ts";
export * from "./envelope.ts";
export * from "./streams.ts";
export * from "./keys.ts";
export * from "./signing.ts";
export { writeSchemas } from "./compat.ts";
