/**
 * `./berth chaos`: the fault suite. It starts a platform of its own, books at a steady rate
 * with retries by Idempotency-Key, injects each fault in turn (kill -9 of an api, a workers
 * process and the nats-server, a Postgres crash, a paused workers process, NATS unresponsive),
 * then checks that nothing was lost, doubled or oversold. Prints a table of faults, the errors
 * clients saw and the recovery times, then the invariants. Exit 0 when every invariant holds
 * and the platform recovered from every fault.
 */
import type { Check, FaultResult, Target } from "./chaos/mod.ts";
import {
  checkInvariants,
  faults,
  runFault,
  settle,
  startChaosPlatform,
  startLoad,
} from "./chaos/mod.ts";
import type { Booking } from "./chaos/mod.ts";
import { apiClient } from "./client/mod.ts";

const PROPERTIES = 10;
const DAYS = 30;

export interface ChaosOptions {
  /** Bookings a second during the faults (CHAOS_RATE, 10). */
  rate: number;
  /** How long a workers process stays stopped (CHAOS_PAUSE_S, 30 s). */
  pauseMs: number;
  /** How long the nats-server stays unresponsive (CHAOS_NATS_DOWN_S, 60 s). */
  natsDownMs: number;
  /** Only the faults whose name contains one of these (CHAOS_FAULTS, comma-separated). */
  only: string[];
}

export function chaosOptions(env = Deno.env.toObject()): ChaosOptions {
  const n = (name: string, dflt: number) => {
    const v = Number(env[name] ?? dflt);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
    return v;
  };
  return {
    rate: n("CHAOS_RATE", 10),
    pauseMs: n("CHAOS_PAUSE_S", 30) * 1000,
    natsDownMs: n("CHAOS_NATS_DOWN_S", 60) * 1000,
    only: (env.CHAOS_FAULTS ?? "").split(",").map((s) => s.trim()).filter(Boolean),
  };
}

/** Properties with one room type of ample inventory, and a client key to book with. */
export async function seed(url: string, adminKey: string): Promise<Omit<Target, "url">> {
  const admin = apiClient(url, adminKey).must;
  const first = new Date(Date.now() + 60 * 86_400_000);
  const dates = Array.from({ length: DAYS }, (_, i) => {
    const d = new Date(first.getTime() + i * 86_400_000);
    return d.toISOString().slice(0, 10);
  });
  const end = new Date(first.getTime() + DAYS * 86_400_000).toISOString().slice(0, 10);
  const properties = [];
  for (let i = 1; i <= PROPERTIES; i++) {
    const property = await admin("POST", "/v1/properties", {
      name: `Chaos Hotel ${i}`,
      timezone: "UTC",
      currency: "EUR",
    });
    const resource = await admin("POST", `/v1/properties/${property.id}/resources`, {
      name: "Double room",
      kind: "room",
    });
    await admin(
      "PUT",
      `/v1/properties/${property.id}/resources/${resource.id}/inventory`,
      { from: dates[0], to: end, total: 1000, price: 9900 },
    );
    properties.push({ propertyId: property.id as string, resourceId: resource.id as string });
  }
  const client = await admin("POST", "/v1/api-keys", {
    name: "chaos client",
    role: "client",
  });
  return { key: client.key, properties, dates };
}

export interface ChaosReport {
  faults: FaultResult[];
  checks: Check[];
  settled: boolean;
  ok: boolean;
}

/** Runs the suite; `say` gets progress lines. */
export async function runChaos(
  opts: ChaosOptions,
  say: (m: string) => void = console.error,
): Promise<ChaosReport> {
  const p = await startChaosPlatform();
  say(`berth chaos: platform up at ${p.url} (data ${p.data})`);
  try {
    const target: Target = { url: p.url, ...await seed(p.url, p.adminKey) };
    const load = startLoad(target, opts.rate);
    const probes: Booking[] = [];
    const results: FaultResult[] = [];
    await new Promise((r) => setTimeout(r, 5000)); // steady before the first fault
    const chosen = faults(opts).filter((f) =>
      opts.only.length === 0 || opts.only.some((o) => f.name.includes(o))
    );
    for (const fault of chosen) {
      say(`berth chaos: ${fault.name}`);
      const r = await runFault(p, target, fault, load.attempts, probes);
      results.push(r);
      say(
        `berth chaos: ${fault.name}: ${
          r.recoveryMs === null ? "no recovery" : `recovered in ${r.recoveryMs} ms`
        }`,
      );
      await new Promise((r) => setTimeout(r, 5000));
    }
    await load.stop();
    say("berth chaos: load stopped; waiting for the pipeline to settle");
    const settled = await settle(p);
    const checks = await checkInvariants(p, [...load.bookings, ...probes]);
    const ok = settled && checks.every((c) => c.ok) && results.every((r) => r.recoveryMs !== null);
    return { faults: results, checks, settled, ok };
  } finally {
    await p.stop();
  }
}

/** The report as two Markdown tables. */
export function formatChaos(r: ChaosReport): string {
  const errors = (m: Map<number, number>) =>
    [...m].sort(([a], [b]) => a - b).map(([s, n]) => `${n} × ${s === 0 ? "no answer" : s}`)
      .join(", ") || "none";
  const lines = [
    "| fault | errors clients saw (then retried) | recovery |",
    "| --- | --- | --- |",
    ...r.faults.map((f) =>
      `| ${f.name} | ${errors(f.errors)} | ${
        f.recoveryMs === null ? "**none**" : `${(f.recoveryMs / 1000).toFixed(1)} s`
      } |`
    ),
    "",
    "| invariant | holds | |",
    "| --- | --- | --- |",
    ...r.checks.map((c) => `| ${c.name} | ${c.ok ? "yes" : "**no**"} | ${c.detail} |`),
  ];
  if (!r.settled) lines.push("", "**The pipeline did not settle within 120 s.**");
  return lines.join("\n");
}

/** `./berth chaos`. */
export async function chaos(): Promise<number> {
  const report = await runChaos(chaosOptions());
  console.log(formatChaos(report));
  return report.ok ? 0 : 1;
}
