import { createHash } from "node:crypto";
/**
 * The audit chain's pure rules: which chain an event belongs to and how entries are hashed.
 * One chain per (stream, property), because within it events are applied in stream order.
 */
import type { Domain } from "../../shared/events/mod.ts";
import { catalogue } from "../../shared/events/mod.ts";
import type { Envelope } from "../../shared/events/mod.ts";

/** The hash a chain's first entry points back to. */
export const GENESIS = "0".repeat(64);

/** `<STREAM>/<propertyId>`, e.g. `RESERVATIONS/p_123`. */
export function chainOf(event: Pick<Envelope, "type" | "propertyId">): string {
  const domain = event.type.split(".", 1)[0] as Domain;
  return `${catalogue[domain].stream}/${event.propertyId}`;
}

/** Lower-case hex SHA-256 of a UTF-8 string. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** What an entry's own hash covers: its place in the chain, its predecessor and its event. */
export function entryHash(
  e: { chain: string; position: number; prevHash: string; eventHash: string },
): string {
  return sha256(`${e.chain}|${e.position}|${e.prevHash}|${e.eventHash}`);
}

/** The reservation an event is about, when it is about one. */
export function reservationIdOf(event: Envelope): string | null {
  const data = event.data as { reservationId?: unknown };
  return typeof data.reservationId === "string" ? data.reservationId : null;
}
