// Seeding many properties at once: the admin calls of lib/berth.js, sent in parallel batches
// (http.batch) so 1,000 properties take seconds, not minutes.
import http from "k6/http";
import { fail } from "k6";
import { ADMIN_KEY, BASE, params } from "./berth.js";

/** Requests in flight at once while seeding. */
const PARALLEL = 32;

function batch(requests, status, what) {
  const out = [];
  for (let i = 0; i < requests.length; i += PARALLEL) {
    const part = requests.slice(i, i + PARALLEL).map(([method, path, body]) => ({
      method,
      url: `${BASE}${path}`,
      body: JSON.stringify(body),
      params: params(ADMIN_KEY, { tags: { name: `setup ${what}` } }),
    }));
    for (const res of http.batch(part)) {
      if (!status.includes(res.status)) {
        fail(`${what}: expected ${status}, got ${res.status} ${String(res.body).slice(0, 300)}`);
      }
      out.push(res.body ? res.json() : null);
    }
  }
  return out;
}

/**
 * Creates `count` properties with one counted resource each (`kind`, `total` per date, `price`
 * over `[from, to)`). Returns `[{propertyId, resourceId}]`.
 */
export function seedProperties(count, { prefix, kind, from, to, total, price }) {
  const n = Array.from({ length: count }, (_, i) => i + 1);
  const properties = batch(
    n.map((i) => [
      "POST",
      "/v1/properties",
      { name: `${prefix} ${i}`, timezone: "Europe/Berlin", currency: "EUR" },
    ]),
    [201],
    "properties",
  ).map((p) => p.id);
  const resources = batch(
    properties.map((p, i) => [
      "POST",
      `/v1/properties/${p}/resources`,
      { name: `${kind}-${i + 1}`, kind },
    ]),
    [201],
    "resources",
  ).map((r) => r.id);
  batch(
    properties.map((p, i) => [
      "PUT",
      `/v1/properties/${p}/resources/${resources[i]}/inventory`,
      { from, to, total, price },
    ]),
    [200, 201, 204],
    "inventory",
  );
  return properties.map((propertyId, i) => ({ propertyId, resourceId: resources[i] }));
}
