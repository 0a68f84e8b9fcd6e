/**
 * The faults the suite injects, in order, and how recovery is measured: from the end of a
 * fault (its injection, or its release for a pause) until a new booking is confirmed.
 */
import { sleep } from "../../shared/time/mod.ts";
import type { ChaosPlatform } from "./platform.ts";
import { processes } from "./platform.ts";
import type { Attempt, Booking, Target } from "./load.ts";
import { bookWithRetries } from "./load.ts";

export interface Fault {
  name: string;
  /** Injects the fault, and ends it for the faults that last (a pause, an outage). */
  run(p: ChaosPlatform): Promise<void>;
}

async function one(p: ChaosPlatform, kind: "api" | "workers" | "nats-server" | "postgres") {
  const [pid] = await p.pids(kind);
  if (!pid) throw new Error(`no ${kind} process to inject a fault into`);
  return pid;
}

const kill9 = (kind: "api" | "workers" | "nats-server"): Fault => ({
  name: `kill -9 ${kind}`,
  async run(p) {
    Deno.kill(await one(p, kind), "SIGKILL");
  },
});

/** SIGSTOP for `ms`, then SIGCONT: a process that hangs (GC, swap, a stuck disk). */
const pause = (kind: "workers" | "nats-server", ms: number, name: string): Fault => ({
  name,
  async run(p) {
    const pid = await one(p, kind);
    Deno.kill(pid, "SIGSTOP");
    await sleep(ms);
    Deno.kill(pid, "SIGCONT");
  },
});

/** The postmaster and every backend killed at once: a crash, recovered from the WAL. */
const postgresCrash: Fault = {
  name: "Postgres crash (kill -9)",
  async run(p) {
    const postmaster = await one(p, "postgres");
    const children = (await processes()).filter((x) => x.ppid === postmaster).map((x) => x.pid);
    for (const pid of [postmaster, ...children]) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch { /* gone */ }
    }
  },
};

/** The faults of the suite, with the durations of the issue that asked for them. */
export function faults(opts: { pauseMs: number; natsDownMs: number }): Fault[] {
  return [
    kill9("api"),
    kill9("workers"),
    kill9("nats-server"),
    postgresCrash,
    pause("workers", opts.pauseMs, `workers paused ${opts.pauseMs / 1000} s (SIGSTOP)`),
    pause("nats-server", opts.natsDownMs, `NATS down ${opts.natsDownMs / 1000} s (SIGSTOP)`),
  ];
}

/** What one fault did to the clients, and how long the platform took to confirm again. */
export interface FaultResult {
  name: string;
  /** Attempts of the steady load while the fault lasted and until recovery, by status. */
  errors: Map<number, number>;
  /** From the end of the fault until a new booking was confirmed; null if none was. */
  recoveryMs: number | null;
}

async function confirmed(p: ChaosPlatform, id: string): Promise<boolean> {
  const [r] = await p.sql<{ status: string }[]>`select status from reservations where id = ${id}`
    .catch(() => []);
  return r?.status === "confirmed";
}

/** Runs `fault` under the load, then books (into `probes`) until one booking is confirmed. */
export async function runFault(
  p: ChaosPlatform,
  t: Target,
  fault: Fault,
  load: Attempt[],
  probes: Booking[],
  timeoutMs = 120_000,
): Promise<FaultResult> {
  const start = Date.now();
  await fault.run(p);
  const ended = Date.now();
  const deadline = ended + timeoutMs;
  let recoveryMs: number | null = null;
  while (Date.now() < deadline && recoveryMs === null) {
    const probe: Booking = { key: crypto.randomUUID(), ids: [] };
    probes.push(probe);
    await bookWithRetries(t, probe, [], deadline);
    while (probe.reservationId && Date.now() < deadline) {
      if (await confirmed(p, probe.reservationId)) {
        recoveryMs = Date.now() - ended;
        break;
      }
      await sleep(100);
    }
  }
  const errors = new Map<number, number>();
  for (const a of load) {
    if (a.at < start || a.status === 201) continue;
    errors.set(a.status, (errors.get(a.status) ?? 0) + 1);
  }
  return { name: fault.name, errors, recoveryMs };
}
