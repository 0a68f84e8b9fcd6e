/** The audit log's operation as clients see it (see `api/http/openapi.ts` for the style). */
import { z } from "zod";
import { cursorParam, json, operation, pageSchema } from "../http/mod.ts";
import { catalogueSchemas as cat } from "../catalogue/mod.ts";
import { propertyIdPattern } from "../../shared/events/mod.ts";

export const auditQuery = z.object({
  reservationId: z.uuid().optional(),
  propertyId: z.string().regex(propertyIdPattern).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  cursor: cursorParam.optional(),
}).strict();

const entry = z.object({
  id: z.number().int(),
  chain: z.string().meta({ description: "one hash chain per property" }),
  position: z.number().int(),
  eventId: z.uuid(),
  type: z.string().meta({ example: "reservation.created" }),
  propertyId: z.string(),
  reservationId: z.uuid().nullable(),
  occurredAt: cat.instant,
  event: z.record(z.string(), z.unknown()).meta({ description: "the event's envelope" }),
  eventHash: z.string(),
  prevHash: z.string(),
  hash: z.string().meta({ description: "SHA-256 of prevHash and eventHash" }),
});

export const auditLog = operation({
  method: "get",
  path: "/v1/audit",
  operationId: "listAuditEntries",
  tags: ["audit"],
  summary: "The hash-chained audit log, by reservation or property, a page at a time",
  description: "In the order the events occurred; `./berth audit verify` checks the chain.",
  role: "admin",
  request: { query: auditQuery },
  responses: { 200: json(pageSchema(entry), "a page of entries") },
});
