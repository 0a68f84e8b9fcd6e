import { parsePgbench, sameServer } from "./pgbench.ts";
import { parseLag } from "./lag.ts";
import { readSummary, SCENARIOS } from "./scenarios.ts";
import { renderReport } from "./report.ts";

function assertEquals(a: unknown, b: unknown) {
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    throw new Error(`expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`);
  }
}

Deno.test("parsePgbench reads tps, latency and failures", () => {
  const out = `number of failed transactions: 0 (0.000%)
latency average = 1.745 ms
initial connection time = 4.2 ms
tps = 4584.219059 (without initial connection time)`;
  assertEquals(parsePgbench(out), { tps: 4584.219059, latencyMs: 1.745, failed: 0 });
});

Deno.test("sameServer swaps the database", () => {
  assertEquals(
    sameServer("postgres://berth@127.0.0.1:55432/berth", "berth_bench"),
    "postgres://berth@127.0.0.1:55432/berth_bench",
  );
});

Deno.test("parseLag sums consumer pending and ack pending", () => {
  const text = `# TYPE berth_consumer_pending gauge
berth_consumer_pending{consumer="payments",stream="RESERVATIONS"} 3
berth_consumer_ack_pending{consumer="payments",stream="RESERVATIONS"} 2
berth_consumer_redelivered{consumer="payments",stream="RESERVATIONS"} 9
berth_http_requests_total 100`;
  assertEquals(parseLag(text), { lag: 5, found: true });
  assertEquals(parseLag("berth_build_info 1"), { lag: 0, found: false });
});

Deno.test("readSummary folds per-seat thresholds and renders a report", () => {
  const spec = SCENARIOS.find((s) => s.name === "flash-sale")!;
  const summary = {
    state: { testRunDurationMs: 12_000 },
    metrics: {
      attempts: { type: "counter", values: { count: 20_000 } },
      scenario_seconds: { type: "gauge", values: { value: 10 } },
      sold_out_ms: {
        type: "trend",
        values: { med: 2, "p(95)": 5, "p(99)": 9, count: 19_000 },
        thresholds: { "p(99)<=20": { ok: true } },
      },
      "http_req_failed{scenario:sale}": { type: "rate", values: { passes: 0, fails: 20_000 } },
      "seat_holders{seat:A1}": {
        type: "counter",
        values: {},
        thresholds: { "count<=1": { ok: true } },
      },
      "seat_holders{seat:A2}": {
        type: "counter",
        values: {},
        thresholds: { "count<=1": { ok: false } },
      },
    },
  };
  const r = readSummary(spec, summary, 99);
  assertEquals(r.throughput, 2000);
  assertEquals(r.thresholds.length, 2);
  assertEquals(r.thresholds[1].ok, false);
  const md = renderReport({
    date: "2026-01-01T00:00:00Z",
    command: "./berth bench",
    machine: {
      cpus: 2,
      cpuModel: "x",
      memoryBytes: 2 ** 30,
      kernel: "6",
      deno: "2",
      k6: "k6",
      postgres: "15",
    },
    scenarios: [{ ...r, rss: [] }],
    ceiling: null,
    notes: [],
  });
  if (!md.includes("| flash-sale | 2,000 attempts/s | 2.0 ms | 5.0 ms | 9.0 ms | 0 |")) {
    throw new Error(md);
  }
});
