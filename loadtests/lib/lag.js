// Consumer lag as berth's /metrics reports it: the sum of the consumer lag gauges plus the
// outbox backlog (events not yet published are lag too).
import http from "k6/http";
import { params } from "./berth.js";

/** Metric names counted as lag; override with -e LAG_METRICS=regex. */
const LAG = new RegExp(
  __ENV.LAG_METRICS ||
    "^berth_(consumer_(lag|pending|num_pending|ack_pending)|outbox_(backlog|unpublished|pending))",
);

/** Sums the lag series of a Prometheus text exposition; `found` is false when there are none. */
export function parseLag(text) {
  let lag = 0;
  let found = false;
  for (const line of String(text).split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const name = line.split(/[{ ]/, 1)[0];
    if (!LAG.test(name)) continue;
    found = true;
    lag += Number(line.slice(line.lastIndexOf(" ") + 1)) || 0;
  }
  return { lag, found };
}

/** GET /metrics and the lag in it. */
export function consumerLag(base, key) {
  const res = http.get(`${base}/metrics`, params(key, { tags: { name: "GET /metrics" } }));
  return res.status === 200 ? parseLag(res.body) : { lag: -1, found: false };
}
