// Shared helpers for berth's k6 scripts: configuration, the admin seeding calls of the REST
// contract (properties, resources, inventory, client keys), booking requests and the summary.
import http from "k6/http";
import { fail } from "k6";
import { Gauge } from "k6/metrics";

/** The berth under test and the admin key that seeds it, from `-e BERTH_URL=... -e BERTH_ADMIN_KEY=...`. */
export const BASE = (__ENV.BERTH_URL || "http://127.0.0.1:8080").replace(/\/$/, "");
export const ADMIN_KEY = __ENV.BERTH_ADMIN_KEY || "berth-dev-admin-key-change-me";

/** Percentiles every script reports (k6 keeps only what is listed here). */
export const TREND_STATS = ["avg", "min", "med", "p(95)", "p(99)", "max", "count"];

/** A number from `-e NAME=...`, else the default. */
export function envNumber(name, fallback) {
  const v = __ENV[name];
  return v === undefined || v === "" ? fallback : Number(v);
}

/** Request params with the bearer key, JSON content type and optional extra headers/tags. */
export function params(key, extra = {}) {
  const p = {
    headers: {
      Authorization: `Bearer ${key}`,
      "Content-Type": "application/json",
      ...(extra.headers || {}),
    },
    tags: extra.tags || {},
  };
  // An explicit undefined/null callback would turn http_req_failed off altogether.
  if (extra.responseCallback) p.responseCallback = extra.responseCallback;
  return p;
}

/** A random id for idempotency keys, user ids and run ids. */
export function uid() {
  if (typeof crypto !== "undefined" && crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/** `YYYY-MM-DD` of today (UTC) plus `days`. */
export function isoDay(days, from = new Date()) {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The number of days between two ISO dates. */
export function daysBetween(from, to) {
  return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
}

function must(res, status, what) {
  const ok = Array.isArray(status) ? status.includes(res.status) : res.status === status;
  if (!ok) {
    fail(`${what}: expected ${status}, got ${res.status} ${String(res.body).slice(0, 300)}`);
  }
  return res.body ? res.json() : null;
}

/** POST with the admin key; fails the test (in setup: aborts it) unless `status` comes back. */
export function adminPost(path, body, status = 201, method = "POST") {
  const res = http.request(method, `${BASE}${path}`, JSON.stringify(body), {
    ...params(ADMIN_KEY, { tags: { name: `setup ${path.split("/")[2] || path}` } }),
  });
  return must(res, status, `${method} ${path}`);
}

/** Creates a property for one run; returns its id. */
export function seedProperty(name, currency = "EUR") {
  return adminPost("/v1/properties", { name, timezone: "Europe/Berlin", currency }).id;
}

/**
 * Creates `count` resources of `kind` on the property and sets inventory (`total` per date for
 * counted kinds) and `price` over `[from, to)`. Returns the resource ids.
 */
export function seedResources(propertyId, { kind, count, prefix, seats, from, to, total, price }) {
  const ids = [];
  for (let i = 0; i < count; i++) {
    const body = { name: `${prefix || kind}-${i + 1}`, kind };
    if (seats) body.seats = seats;
    const id = adminPost(`/v1/properties/${propertyId}/resources`, body).id;
    const inv = { from, to, price };
    if (kind !== "seat") inv.total = total;
    adminPost(
      `/v1/properties/${propertyId}/resources/${id}/inventory`,
      inv,
      [200, 201, 204],
      "PUT",
    );
    ids.push(id);
  }
  return ids;
}

/** A new client key (bookings are made as a client, as a real integration would). */
export function clientKey(name) {
  return adminPost("/v1/api-keys", { name, role: "client" }).key;
}

/** The body of POST /v1/reservations for one item. */
export function bookingBody(propertyId, userId, item, token = "tok_ok_k6") {
  return {
    propertyId,
    userId,
    guest: { name: "K6 Guest", email: `${userId}@example.test` },
    items: [item],
    payment: { token },
  };
}

/** POST /v1/reservations with a fresh Idempotency-Key. */
export function book(key, body, extra = {}) {
  return http.post(
    `${BASE}/v1/reservations`,
    JSON.stringify(body),
    params(key, {
      ...extra,
      headers: { "Idempotency-Key": uid() },
      tags: { name: "POST /v1/reservations", ...(extra.tags || {}) },
    }),
  );
}

/** The problem+json `code` of an error response, or "" when there is none. */
export function problemCode(res) {
  try {
    return res.json("code") || "";
  } catch {
    return "";
  }
}

/** Seat names for a hall: rows A, B, ... of `perRow` seats, `count` in all. */
export function seatNames(count, perRow = 50) {
  const out = [];
  for (let i = 0; i < count; i++) {
    out.push(`${String.fromCharCode(65 + Math.floor(i / perRow))}${(i % perRow) + 1}`);
  }
  return out;
}

function fmt(v) {
  return typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v);
}

/** A short text summary: thresholds and the metrics they cover, then the custom ones. */
function textSummary(name, data) {
  const lines = [`\n${name}: ${(data.state.testRunDurationMs / 1000).toFixed(1)} s`];
  const seats = { n: 0, failed: 0 };
  for (const [metric, m] of Object.entries(data.metrics)) {
    if (metric.includes("{seat:")) {
      seats.n++;
      if (Object.values(m.thresholds || {}).some((t) => !t.ok)) seats.failed++;
      continue;
    }
    if (
      metric.startsWith("setup") || (!m.thresholds && !metric.match(/^(http_reqs|iterations)$/))
    ) {
      continue;
    }
    const vals = Object.entries(m.values).map(([k, v]) => `${k}=${fmt(v)}`).join(" ");
    const th = Object.entries(m.thresholds || {}).map(([t, r]) => `${r.ok ? "ok" : "FAIL"} ${t}`);
    lines.push(`  ${metric.padEnd(28)} ${vals}${th.length ? `  [${th.join(", ")}]` : ""}`);
  }
  if (seats.n) lines.push(`  per-seat thresholds: ${seats.n} seats, ${seats.failed} failed`);
  return lines.join("\n") + "\n";
}

const loadEnded = new Gauge("load_ended_at");

/**
 * Records when the load stopped (epoch ms), for `./berth bench` to time the event backlog's
 * drain from; call it first thing in teardown (which k6 runs once the scenarios are done).
 */
export function markLoadEnd() {
  loadEnded.add(Date.now());
}

/**
 * handleSummary body: the JSON to `loadtests/results/<name>.json` (or RESULTS_DIR; RUN_NAME
 * replaces the name, so two runs of one script keep both), text to stdout.
 */
export function summary(script, data) {
  const name = __ENV.RUN_NAME || script;
  const dir = (__ENV.RESULTS_DIR || "loadtests/results").replace(/\/$/, "");
  return {
    [`${dir}/${name}.json`]: JSON.stringify(data, null, 2),
    stdout: textSummary(name, data),
  };
}
