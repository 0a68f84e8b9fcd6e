/** The catalogue's operations as clients see them (see `api/http/openapi.ts` for the style). */
import { z } from "zod";
import { json, operation, pageQuery, pageSchema } from "../http/mod.ts";
import * as s from "./schemas.ts";

/** The strong ETag of a range of inventory, in the answers that read or set it. */
const etag = z.object({
  ETag: z.string().meta({
    description: "a digest of what a PUT sets on these dates; If-Match may name it",
    example: '"9f2c…"',
  }),
});

export const createProperty = operation({
  method: "post",
  path: "/v1/properties",
  operationId: "createProperty",
  tags: ["catalogue"],
  summary: "Create a property",
  description: "Its `id` is made up unless given; dates there are judged in its `timezone`.",
  role: "admin",
  request: {
    body: { required: true, content: { "application/json": { schema: s.createProperty } } },
  },
  responses: { 201: json(s.property, "the new property") },
  errors: { 409: ["conflict"] },
});

export const listProperties = operation({
  method: "get",
  path: "/v1/properties",
  operationId: "listProperties",
  tags: ["catalogue"],
  summary: "List properties, oldest first, a page at a time",
  role: "key",
  request: { query: pageQuery },
  responses: { 200: json(pageSchema(s.property), "a page of properties") },
});

export const getProperty = operation({
  method: "get",
  path: "/v1/properties/{propertyId}",
  operationId: "getProperty",
  tags: ["catalogue"],
  summary: "A property",
  role: "key",
  request: { params: s.propertyParam },
  responses: { 200: json(s.property, "the property") },
  errors: { 404: ["not_found"] },
});

export const createResource = operation({
  method: "post",
  path: "/v1/properties/{propertyId}/resources",
  operationId: "createResource",
  tags: ["catalogue"],
  summary: "Add a room type, unit pool or seat map",
  description: "`seat` resources have named `seats` (their capacity); rooms and units get " +
    "theirs per date with the inventory.",
  role: "admin",
  request: {
    params: s.propertyParam,
    body: { required: true, content: { "application/json": { schema: s.createResource } } },
  },
  responses: { 201: json(s.resource, "the new resource") },
  errors: { 404: ["not_found"], 409: ["conflict"] },
});

export const listResources = operation({
  method: "get",
  path: "/v1/properties/{propertyId}/resources",
  operationId: "listResources",
  tags: ["catalogue"],
  summary: "List a property's resources, a page at a time",
  role: "key",
  request: { params: s.propertyParam, query: pageQuery },
  responses: { 200: json(pageSchema(s.resource), "a page of the property's resources") },
  errors: { 404: ["not_found"] },
});

export const setInventory = operation({
  method: "put",
  path: "/v1/properties/{propertyId}/resources/{resourceId}/inventory",
  operationId: "setInventory",
  tags: ["catalogue"],
  summary: "Set capacity (rooms, units) and base price per date in [from, to)",
  description: "A seat map's capacity is its seats (no `total`). `total` may not drop below " +
    "what is held and sold (409 `inventory_below_booked`); a `from` before today at the " +
    "property is 400 `date_in_past`. With `If-Match`, only over the settings it names " +
    "(412 `precondition_failed` when they changed).",
  role: "admin",
  parameters: [{
    name: "If-Match",
    in: "header",
    required: false,
    schema: { type: "string" },
    description: "the ETag of these dates as read (GET …/inventory); another is 412",
  }],
  request: {
    params: s.resourceParam,
    body: { required: true, content: { "application/json": { schema: s.setInventory } } },
  },
  responses: {
    200: { ...json(s.inventory, "the inventory of every date set"), headers: etag },
  },
  errors: {
    400: ["date_in_past"],
    404: ["not_found"],
    409: ["inventory_below_booked"],
    412: ["precondition_failed"],
  },
});

export const getInventory = operation({
  method: "get",
  path: "/v1/properties/{propertyId}/resources/{resourceId}/inventory",
  operationId: "getInventory",
  tags: ["catalogue"],
  summary: "Capacity and base price per date in [from, to), with the range's ETag",
  role: "key",
  request: { params: s.resourceParam, query: s.inventoryQuery },
  responses: {
    200: {
      ...json(
        z.object({
          propertyId: s.id,
          resourceId: s.id,
          from: s.day,
          to: s.day,
          dates: z.array(z.object({
            date: s.day,
            total: z.number().int(),
            price: z.number().int().meta({ description: "minor units" }),
          })),
        }),
        "what is set on each date that has inventory",
      ),
      headers: etag,
    },
  },
  errors: { 404: ["not_found"] },
});

export const getAvailability = operation({
  method: "get",
  path: "/v1/availability",
  operationId: "getAvailability",
  tags: ["catalogue"],
  summary: "Per date: capacity, available units or free seats, current price",
  description: "At most 93 days; every resource of the property unless `resourceId` is given.",
  role: "key",
  request: { query: s.availabilityQuery },
  responses: { 200: json(s.availability, "availability per resource and date") },
  errors: { 404: ["not_found"] },
});
