/** The KPIs operation as clients see it (see `api/http/openapi.ts` for the style). */
import { z } from "zod";
import { json, operation } from "../http/mod.ts";
import { catalogueSchemas as cat } from "../catalogue/mod.ts";

export const kpiQuery = cat.dateRange({}, 366).strict();

/** A KPI that has no value on a day without the figures it divides by. */
const ratio = (description: string) => z.number().nullable().meta({ description });

const kpiDay = z.object({
  date: cat.day,
  bookings: z.number().int(),
  cancellations: z.number().int(),
  unitsSold: z.number(),
  unitsAvailable: z.number(),
  revenue: z.number().meta({ description: "minor units" }),
  occupancyPercent: ratio("units sold of units available, %"),
  adr: ratio("average daily rate: revenue per unit sold, minor units"),
  revpar: ratio("revenue per available unit, minor units"),
  paymentSuccessRatePercent: ratio("authorized of payment attempts, %"),
  averageLeadTimeDays: ratio("days from booking to arrival, on average"),
});

export const propertyKpis = operation({
  method: "get",
  path: "/v1/properties/{propertyId}/kpis",
  operationId: "getPropertyKpis",
  tags: ["analytics"],
  summary:
    "KPIs per day: bookings, cancellations, revenue, occupancy, ADR, RevPAR, payment success, lead time",
  description: "Every day of `[from, to)` (at most 366), from the analytics projection; see " +
    "docs/services.md for each definition.",
  role: "admin",
  request: { params: cat.propertyParam, query: kpiQuery },
  responses: {
    200: json(
      z.object({
        propertyId: cat.id,
        currency: z.string(),
        from: cat.day,
        to: cat.day,
        days: z.array(kpiDay),
      }),
      "one entry per day",
    ),
  },
  errors: { 404: ["not_found"] },
});
