// After-the-fact checks through the public API: what GET /v1/availability says about a date.
import http from "k6/http";
import { BASE, params } from "./berth.js";

/** GET /v1/availability for one resource over [from, to). */
export function availability(key, propertyId, resourceId, from, to) {
  const q = `propertyId=${propertyId}&resourceId=${resourceId}&from=${from}&to=${to}`;
  return http.get(`${BASE}/v1/availability?${q}`, params(key, { tags: { name: "verify" } }));
}

/**
 * One date of one resource as availability reports it:
 * `{date, total, held, sold, available, price, freeSeats?}`, or null when it cannot be read.
 */
export function dateAvailability(key, propertyId, resourceId, from, to) {
  const res = availability(key, propertyId, resourceId, from, to);
  if (res.status !== 200) return null;
  const body = res.json();
  const r = (body.resources || []).find((x) => x.resourceId === resourceId);
  return r && r.dates && r.dates.length ? r.dates[0] : null;
}
