/** The event catalogue, the envelope and the stream definitions derived from them. */
export * from "./catalogue.ts";
export * from "./envelope.ts";
export * from "./streams.ts";
