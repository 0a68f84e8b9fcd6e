/** Dynamic rates' operations as clients see them (see `api/http/openapi.ts` for the style). */
import { json, operation } from "../http/mod.ts";
import * as s from "./schemas.ts";

export const putRateRules = operation({
  method: "put",
  path: "/v1/properties/{propertyId}/resources/{resourceId}/rate-rules",
  operationId: "putRateRules",
  tags: ["rates"],
  summary: "Dynamic pricing: occupancy thresholds to multipliers, floor and ceiling",
  description: "From each tier's `occupancy` up, the base price is multiplied by its " +
    "`multiplier` and kept within `[floor, ceiling]`; the rates service reprices as bookings " +
    "come and go.",
  role: "admin",
  request: {
    params: s.resourceParam,
    body: { required: true, content: { "application/json": { schema: s.rateRules } } },
  },
  responses: { 200: json(s.rules, "the rules as stored") },
  errors: { 404: ["not_found"] },
});

export const getRateRules = operation({
  method: "get",
  path: "/v1/properties/{propertyId}/resources/{resourceId}/rate-rules",
  operationId: "getRateRules",
  tags: ["rates"],
  summary: "The resource's rate rules",
  role: "key",
  request: { params: s.resourceParam },
  responses: { 200: json(s.rules, "the rules") },
  errors: { 404: ["not_found"] },
});

export const getRates = operation({
  method: "get",
  path: "/v1/properties/{propertyId}/resources/{resourceId}/rates",
  operationId: "getRates",
  tags: ["rates"],
  summary: "Current price per date and the history of rate changes",
  role: "key",
  request: { params: s.resourceParam, query: s.rateQuery },
  responses: { 200: json(s.rates, "prices and changes of [from, to)") },
  errors: { 404: ["not_found"] },
});

export const appliedRates = operation({
  method: "get",
  path: "/v1/rates/applied",
  operationId: "getAppliedRates",
  tags: ["rates"],
  summary: "The rates a reservation was booked at",
  role: "admin",
  request: { query: s.appliedQuery },
  responses: { 200: json(s.applied, "one rate per resource and date (none for an unknown id)") },
});
