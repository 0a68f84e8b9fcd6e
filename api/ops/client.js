// The ops page's script (served as /ops/client.js; no outside scripts). It polls
// /v1/ops/summary with the admin key the operator typed (kept in sessionStorage, so it goes
// when the tab closes) and turns successive polls into rates. The pure parts are exported for
// api/ops/client_test.ts.

/** How often the page polls. */
export const POLL_MS = 2000;
/** Rates and latency are over the polls of about this long. */
export const WINDOW_MS = 10_000;
/** The sparklines cover this long. */
const HISTORY_MS = 120_000;
const KEY = "berth-admin-key";

/**
 * The `q` quantile (0..1) of a cumulative histogram (`[{le, count}]`, `le` null for +Inf), as
 * Prometheus's histogram_quantile does it: linear within the bucket. Null when it is empty.
 */
export function quantile(buckets, q) {
  const total = buckets.length ? buckets[buckets.length - 1].count : 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (b.le === null) return lower; // beyond the last bound: say the last bound
      const inBucket = b.count - below;
      return inBucket > 0 ? lower + (b.le - lower) * ((rank - below) / inBucket) : b.le;
    }
    if (b.le !== null) lower = b.le;
    below = b.count;
  }
  return lower;
}

/** What happened between two summaries: per-second rates and pending → confirmed quantiles. */
export function between(older, newer) {
  const seconds = (Date.parse(newer.at) - Date.parse(older.at)) / 1000;
  // A counter lower than before: the platform started again; count from zero.
  const delta = (a, b) => (b >= a ? b - a : b);
  const rate = (name) => (seconds > 0 ? delta(older[name], newer[name]) / seconds : 0);
  const before = new Map(older.confirmBuckets.map((b) => [b.le, b.count]));
  const buckets = newer.confirmBuckets.map((b) => ({
    le: b.le,
    count: delta(before.get(b.le) ?? 0, b.count),
  }));
  return {
    seconds,
    bookings: rate("bookings"),
    confirmations: rate("confirmations"),
    errors5xx: rate("errors5xx"),
    confirmP50: quantile(buckets, 0.5),
    confirmP99: quantile(buckets, 0.99),
  };
}

/**
 * The consumers of each service (one per stream and partition) as one row: the streams it reads,
 * its lag (pending and unacknowledged, summed) and its oldest unacknowledged event.
 */
export function byService(consumers) {
  const rows = new Map();
  for (const c of consumers) {
    const row = rows.get(c.service) ??
      { service: c.service, streams: [], consumers: [], lag: 0, oldest: 0 };
    if (!row.streams.includes(c.stream)) row.streams.push(c.stream);
    row.consumers.push(c.consumer);
    row.lag += c.pending + c.ackPending;
    row.oldest = Math.max(row.oldest, c.oldestUnackedSeconds);
    rows.set(c.service, row);
  }
  return [...rows.values()].sort((a, b) => a.service.localeCompare(b.service));
}

/** The oldest of `samples` within `windowMs` of the newest (the newest itself when alone). */
export function windowStart(samples, windowMs) {
  const newest = Date.parse(samples[samples.length - 1].at);
  return samples.find((s) => newest - Date.parse(s.at) <= windowMs) ?? samples[samples.length - 1];
}

const perSecond = (n) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const ms = (s) => (s === null ? "–" : s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(2)} s`);
const count = (n) => Math.round(n).toLocaleString("en");
const age = (s) => (s < 1 ? "–" : s < 120 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`);

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

/** A sparkline of `values` into the svg `svg` (no axes: the tile says the current value). */
function sparkline(svg, values) {
  const w = 200;
  const h = 40;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? w / (values.length - 1) : w;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(h - (v / max) * h).toFixed(1)}`);
  svg.replaceChildren();
  const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  line.setAttribute("points", points.join(" "));
  svg.append(line);
}

function set(id, text, bad = false) {
  const e = document.getElementById(id);
  e.textContent = text;
  e.classList.toggle("bad", bad);
}

function render(samples) {
  const now = samples[samples.length - 1];
  const w = between(windowStart(samples, WINDOW_MS), now);
  set("bookings-rate", `${perSecond(w.bookings)}/s`);
  set("bookings-total", `${count(now.bookings)} since start`);
  set("confirmations-rate", `${perSecond(w.confirmations)}/s`);
  set("confirmations-total", `${count(now.confirmations)} since start`);
  // Over the last polls; with nothing confirmed meanwhile, over everything since start.
  const recent = w.confirmP50 !== null;
  const p50 = recent ? w.confirmP50 : quantile(now.confirmBuckets, 0.5);
  const p99 = recent ? w.confirmP99 : quantile(now.confirmBuckets, 0.99);
  set("confirm-p50", ms(p50));
  set("confirm-p99", `p99 ${ms(p99)}`, p99 !== null && p99 > 0.5);
  set("confirm-scope", recent ? `last ${Math.round(w.seconds)} s` : "since start");
  set("errors-rate", `${perSecond(w.errors5xx)}/s`, w.errors5xx > 0);
  set("errors-total", `${count(now.errors5xx)} since start`);
  set("outbox-backlog", count(now.outbox.backlog), now.outbox.oldestSeconds > 60);
  set("outbox-age", `oldest ${age(now.outbox.oldestSeconds)}`);
  set(
    "sources",
    `Postgres ${now.database ? "up" : "DOWN"} · NATS ${now.nats ? "up" : "DOWN"} · ${
      new Date(now.at).toLocaleTimeString("en")
    }`,
    !now.database || !now.nats,
  );

  const pairs = samples.slice(1).map((s, i) => between(samples[i], s));
  sparkline(document.getElementById("bookings-spark"), pairs.map((p) => p.bookings));
  sparkline(document.getElementById("confirmations-spark"), pairs.map((p) => p.confirmations));

  const dead = new Map(now.deadLetters.map((d) => [d.service, d.messages]));
  document.querySelector("#consumers tbody").replaceChildren(
    ...byService(now.consumers).map((c) => {
      const deadLetters = dead.get(c.service) ?? 0;
      return el(
        "tr",
        { title: c.consumers.join(", ") },
        el("td", {}, c.service),
        el("td", {}, c.streams.join(", ")),
        el("td", { class: c.lag > 1000 ? "num bad" : "num" }, count(c.lag)),
        el("td", { class: c.oldest > 300 ? "num bad" : "num" }, age(c.oldest)),
        el("td", { class: deadLetters > 0 ? "num bad" : "num" }, count(deadLetters)),
      );
    }),
  );

  const table = document.getElementById("occupancy");
  const days = now.occupancy[0]?.days ?? [];
  table.querySelector("thead").replaceChildren(
    el(
      "tr",
      {},
      el("th", {}, "property"),
      ...days.map((_, i) => el("th", {}, i === 0 ? "today" : `+${i}`)),
    ),
  );
  table.querySelector("tbody").replaceChildren(
    ...now.occupancy.map((p) =>
      el(
        "tr",
        { "data-property": p.propertyId },
        el("td", {}, p.name),
        ...p.days.map((d) => {
          if (d.total === 0) return el("td", { class: "num" }, "–");
          const pct = Math.round(((d.held + d.sold) / d.total) * 100);
          return el(
            "td",
            {
              class: "num",
              title: `${d.date}: ${d.sold} sold, ${d.held} held of ${d.total}`,
              style: `background:linear-gradient(90deg,#cde ${pct}%,transparent ${pct}%)`,
            },
            `${pct}%`,
          );
        }),
      )
    ),
  );
  set("occupancy-more", now.moreProperties ? `and ${now.moreProperties} more properties` : "");
}

/** Starts polling; asks for the admin key first when the tab has none. */
export function start() {
  const form = document.getElementById("key-form");
  const samples = [];
  let timer = null;
  const ask = (why) => {
    clearTimeout(timer);
    document.getElementById("key-why").textContent = why;
    form.hidden = false;
  };
  const poll = async () => {
    const key = sessionStorage.getItem(KEY);
    if (!key) return ask("Enter the admin key to see the platform.");
    try {
      const res = await fetch("/v1/ops/summary", { headers: { authorization: `Bearer ${key}` } });
      if (res.status === 401 || res.status === 403) {
        sessionStorage.removeItem(KEY);
        return ask("That key is not an admin key.");
      }
      if (!res.ok) throw new Error(`${res.status}`);
      samples.push(await res.json());
      const newest = Date.parse(samples[samples.length - 1].at);
      while (newest - Date.parse(samples[0].at) > HISTORY_MS) samples.shift();
      render(samples);
      set("status", "");
    } catch (err) {
      set("status", `no answer from berth (${err.message}); trying again`, true);
    }
    timer = setTimeout(poll, POLL_MS);
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    sessionStorage.setItem(KEY, form.elements.key.value.trim());
    form.hidden = true;
    poll();
  });
  poll();
}

if (typeof document !== "undefined") start();
