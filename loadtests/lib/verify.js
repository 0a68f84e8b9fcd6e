// After-the-fact checks through the public API: free seats from availability, and who holds
// which seat from each buyer's booking history.
import http from "k6/http";
import { sleep } from "k6";
import { BASE, isoDay, params } from "./berth.js";

const ACTIVE = ["pending", "confirmed", "checked_in", "checked_out"];

/** The per-date rows of GET /v1/availability, whatever the wrapper key is called. */
export function availabilityRows(body) {
  if (Array.isArray(body)) return body;
  for (const k of ["dates", "days", "items", "availability", "data"]) {
    if (Array.isArray(body?.[k])) return body[k];
  }
  return [];
}

/** Free units or seats on one availability row. */
export function freeOf(row) {
  for (const k of ["freeSeats", "free", "seats", "available"]) {
    const v = row?.[k];
    if (Array.isArray(v)) return v.length;
    if (typeof v === "number") return v;
  }
  return NaN;
}

/** GET /v1/availability for one resource over [from, to). */
export function availability(key, propertyId, resourceId, from, to) {
  const q = `propertyId=${propertyId}&resourceId=${resourceId}&from=${from}&to=${to}`;
  return http.get(`${BASE}/v1/availability?${q}`, params(key, { tags: { name: "verify" } }));
}

/** Free seats of the show according to the availability endpoint. */
export function freeSeats(key, data) {
  const res = availability(key, data.propertyId, data.resourceId, data.show, isoDay(46));
  if (res.status !== 200) return NaN;
  const rows = availabilityRows(res.json());
  return rows.length ? freeOf(rows[0]) : NaN;
}

function historyItems(res) {
  if (res.status !== 200) return null;
  const body = res.json();
  return Array.isArray(body) ? body : body.items || body.reservations || body.data || [];
}

/**
 * Seat -> number of active reservations holding it, read from each buyer's history (buyers are
 * named after the seat they want). The history is a projection, so this waits until it stops
 * changing (at most `waitS` seconds).
 */
export function holdersOf(key, data, waitS = 30) {
  let last = -1;
  let holders = {};
  for (let t = 0; t < waitS; t++) {
    holders = {};
    let total = 0;
    for (let i = 0; i < data.seats.length; i += 100) {
      const reqs = data.seats.slice(i, i + 100).map((seat) => [
        "GET",
        `${BASE}/v1/users/fs-${data.run}-${seat}/reservations`,
        null,
        params(key, { tags: { name: "verify" } }),
      ]);
      for (const res of http.batch(reqs)) {
        for (const r of historyItems(res) || []) {
          if (!ACTIVE.includes(r.status)) continue;
          for (const it of r.items || []) {
            for (const s of it.seats || []) {
              holders[s] = (holders[s] || 0) + 1;
              total++;
            }
          }
        }
      }
    }
    if (total === last && total > 0) break;
    last = total;
    sleep(1);
  }
  return holders;
}
