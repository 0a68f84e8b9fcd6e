import assert from "node:assert/strict";
import { Counter, Gauge, Registry } from "prom-client";
import { parseScrape } from "./exposition.ts";
import { MetricsHub, serveRegistry } from "./hub.ts";

/** A process as the hub sees it: a registry with one counter and one gauge, on its socket. */
function process(hub: MetricsHub, kind: "api" | "workers", bookings: number) {
  const registry = new Registry();
  const counter = new Counter({ name: "t_bookings_total", help: "h", registers: [registry] });
  const gauge = new Gauge({ name: "t_busy", help: "h", registers: [registry] });
  counter.inc(bookings);
  gauge.set(1);
  const path = hub.socketFor(kind);
  return { path, counter, listener: serveRegistry(registry, path) };
}

Deno.test("metrics hub: sums every process, keeps a paused one's and an exited one's counts", async () => {
  const dir = await Deno.makeTempDir({ prefix: "berth-hub-test-" });
  const hub = new MetricsHub(dir, 300);
  const a = process(hub, "api", 3);
  const b = process(hub, "workers", 4);
  const listeners = [a.listener, b.listener];
  const sums = async () => parseScrape(await hub.collect()).samples;
  try {
    let s = await sums();
    assert.equal(s.get("t_bookings_total"), 7);
    assert.equal(s.get("t_busy"), 2);
    assert.equal(s.get('berth_processes{kind="api"}'), 1);
    assert.equal(s.get('berth_processes{kind="workers"}'), 1);

    // Paused: its socket takes the connection and never answers; its last answer counts.
    b.listener.close();
    // Closing may or may not have removed the socket file already.
    await Deno.remove(b.path).catch((err) => {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    });
    listeners.push(Deno.listen({ transport: "unix", path: b.path }));
    a.counter.inc();
    s = await sums();
    assert.equal(s.get("t_bookings_total"), 8);
    assert.equal(s.get('berth_processes{kind="workers"}'), 0);

    // Exited: its counters stay in the sums, its gauges go; its successor's counts add on top.
    hub.exited(b.path);
    s = await sums();
    assert.equal(s.get("t_bookings_total"), 8);
    assert.equal(s.get("t_busy"), 1);
    assert.equal(s.get('berth_process_exits_total{kind="workers"}'), 1);
    const c = process(hub, "workers", 2);
    listeners.push(c.listener);
    s = await sums();
    assert.equal(s.get("t_bookings_total"), 10);
    assert.equal(s.get("t_busy"), 2);
  } finally {
    for (const l of listeners) {
      try {
        l.close();
      } catch { /* closed above */ }
    }
    await Deno.remove(dir, { recursive: true });
  }
});
