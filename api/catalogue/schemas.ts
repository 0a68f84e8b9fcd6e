import { z } from "zod";
import { propertyIdPattern } from "../../shared/events/mod.ts";
import { dateWindow, daysIn, MAX_NIGHTS, MAX_PRICE } from "../../shared/booking/mod.ts";

const currencies = new Set(Intl.supportedValuesOf("currency"));
const timezones = new Set(Intl.supportedValuesOf("timeZone").concat(["UTC"]));

/**
 * An ISO date that exists on the calendar (zod checks month lengths and leap years) and lies
 * in berth's date window.
 */
export const isoDate = z.iso.date({ abort: true }).refine(
  (d) => d >= dateWindow.first && d <= dateWindow.last,
  `must be from ${dateWindow.first} to ${dateWindow.last}`,
);

/**
 * `[from, to)`: both dates in the window, from before to, at most `maxDays` days. The length is
 * counted arithmetically, before any list of dates is built.
 */
export function dateRange<T extends z.ZodRawShape>(shape: T, maxDays = MAX_NIGHTS) {
  return z.object({
    from: isoDate.meta({ example: "2027-06-01" }),
    to: isoDate.meta({ example: "2027-06-03" }),
    ...shape,
  }).check((ctx) => {
    if (ctx.issues.some((i) => i.path?.[0] === "from" || i.path?.[0] === "to")) return;
    const { from, to } = ctx.value as { from: string; to: string };
    if (from >= to) {
      ctx.issues.push({ code: "custom", path: ["to"], message: "must be after from", input: to });
    } else if (daysIn(from, to) > maxDays) {
      ctx.issues.push({
        code: "custom",
        path: ["to"],
        message: `at most ${maxDays} days`,
        input: to,
      });
    }
  });
}

/** An amount in minor units, from 0 to MAX_PRICE (a price per unit and night, a rate bound). */
export const price = z.number().int().min(0).max(MAX_PRICE, `at most ${MAX_PRICE} minor units`);

export const id = z.string().regex(propertyIdPattern, "letters, digits, _ and - only (1-64)")
  .meta({ example: "p_harbour" });

export const createProperty = z.object({
  id: id.optional(),
  name: z.string().trim().min(1).max(200).meta({ example: "Harbour Hotel" }),
  timezone: z.string().refine((t) => timezones.has(t), "must be an IANA time zone")
    .meta({ example: "Europe/Amsterdam" }),
  currency: z.string().refine((c) => currencies.has(c), "must be an ISO 4217 currency code")
    .meta({ example: "EUR" }),
  cancellationPolicy: z.object({
    freeCancelHours: z.number().int().min(0).max(24 * 365),
    lateRefundPercent: z.number().int().min(0).max(100),
  }).strict().optional(),
}).strict();

export const seatName = z.string().regex(
  /^[A-Za-z0-9_-]{1,16}$/,
  "letters, digits, _ and - (1-16)",
);

export const createResource = z.object({
  id: id.optional(),
  name: z.string().trim().min(1).max(200).meta({ example: "Double room" }),
  kind: z.enum(["room", "unit", "seat"]),
  seats: z.array(seatName).min(1).max(10_000).optional(),
}).strict().check((ctx) => {
  const { kind, seats } = ctx.value;
  if (kind === "seat" && !seats) {
    ctx.issues.push({
      code: "custom",
      path: ["seats"],
      message: "seat resources need seats",
      input: seats,
    });
  }
  if (kind !== "seat" && seats) {
    ctx.issues.push({
      code: "custom",
      path: ["seats"],
      message: `a ${kind} has no named seats`,
      input: seats,
    });
  }
  if (seats && new Set(seats).size !== seats.length) {
    ctx.issues.push({
      code: "custom",
      path: ["seats"],
      message: "seat names must be unique",
      input: seats,
    });
  }
});

export const setInventory = dateRange({
  total: z.number().int().min(0).max(1_000_000).optional().meta({ example: 10 }),
  price: price.meta({ example: 12000 }),
}).strict();

/** `GET …/inventory?from=&to=`: what is set there. */
export const inventoryQuery = dateRange({}).strict();

export const availabilityQuery = dateRange({
  propertyId: id,
  resourceId: id.meta({ example: "r_double" }).optional(),
}, 93);

export const propertyParam = z.object({ propertyId: id });
export const resourceParam = z.object({
  propertyId: id,
  resourceId: id.meta({ example: "r_double" }),
});

/** A moment as the api writes it: ISO 8601 in UTC. */
export const instant = z.iso.datetime().meta({ example: "2027-05-14T09:30:00.000Z" });

/** A date as the api writes it. */
export const day = z.iso.date().meta({ example: "2027-06-01" });

export const cancellationPolicy = z.object({
  freeCancelHours: z.number().int().meta({
    description: "free cancellation up to this many hours before arrival",
  }),
  lateRefundPercent: z.number().int().meta({ description: "refunded of the total after that" }),
});

/** A property as the api shows it. */
export const property = z.object({
  id,
  name: z.string().meta({ example: "Harbour Hotel" }),
  timezone: z.string().meta({ example: "Europe/Amsterdam" }),
  currency: z.string().meta({ example: "EUR" }),
  cancellationPolicy,
  createdAt: instant,
}).meta({ id: "Property" });

const resourceKind = z.enum(["room", "unit", "seat"]);

/** A resource (room type, unit pool, seat map) as the api shows it. */
export const resource = z.object({
  id: id.meta({ example: "r_double" }),
  propertyId: id,
  name: z.string().meta({ example: "Double room" }),
  kind: resourceKind,
  seats: z.array(z.string()).optional().meta({ description: "a seat map's seats" }),
  createdAt: instant,
}).meta({ id: "Resource" });

/** Inventory of one date: units in all, held by pending bookings, sold; the base price. */
export const inventoryDay = z.object({
  date: day,
  total: z.number().int(),
  held: z.number().int(),
  sold: z.number().int(),
  available: z.number().int(),
  price: z.number().int().meta({ description: "minor units of the currency", example: 12000 }),
});

export const inventory = z.object({
  propertyId: id,
  resourceId: id,
  dates: z.array(inventoryDay),
});

export const availability = z.object({
  propertyId: id,
  currency: z.string().meta({ example: "EUR" }),
  from: day,
  to: day,
  resources: z.array(z.object({
    resourceId: id,
    name: z.string(),
    kind: resourceKind,
    dates: z.array(inventoryDay.extend({
      freeSeats: z.array(z.string()).optional().meta({ description: "a seat map's free seats" }),
    })),
  })),
}).meta({ id: "Availability" });
