/** CPU time of the platform's processes, from /proc/<pid>/stat, over a quiet interval. */
import { run } from "../infra/mod.ts";

/** A process to watch and the name it is reported under. */
export interface Watched {
  name: string;
  pid: number;
}

/** One name's share of a core: its processes and their summed CPU time over the interval. */
export interface CpuShare {
  name: string;
  processes: number;
  /** Percent of one core (100 = one core busy all the time). */
  percent: number;
}

/** What an idle measurement found: the interval, the total and the share per name. */
export interface IdleCpu {
  seconds: number;
  percent: number;
  byName: CpuShare[];
}

/** Parent pid and user + system clock ticks from the text of /proc/<pid>/stat. */
export function statTicks(stat: string): { ppid: number; ticks: number } {
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // f[0] is field 3 (state): ppid is field 4, utime field 14, stime field 15.
  return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
}

/**
 * Percent of one core per name between two readings (ticks by pid). A process that started
 * in between counts from 0; one that ended is left out (its last ticks are unknown).
 */
export function cpuShares(
  watched: Watched[],
  before: Map<number, number>,
  after: Map<number, number>,
  seconds: number,
  hz: number,
): IdleCpu {
  const byName = new Map<string, CpuShare>();
  for (const w of watched) {
    const end = after.get(w.pid);
    if (end === undefined) continue;
    const used = Math.max(0, end - (before.get(w.pid) ?? 0));
    const s = byName.get(w.name) ?? { name: w.name, processes: 0, percent: 0 };
    s.processes++;
    s.percent += (100 * used) / hz / seconds;
    byName.set(w.name, s);
  }
  const shares = [...byName.values()].sort((a, b) => b.percent - a.percent);
  return { seconds, percent: shares.reduce((a, s) => a + s.percent, 0), byName: shares };
}

/** Clock ticks by pid, for the pids that still exist. */
export async function readTicks(pids: number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  await Promise.all(pids.map(async (pid) => {
    try {
      out.set(pid, statTicks(await Deno.readTextFile(`/proc/${pid}/stat`)).ticks);
    } catch { /* gone */ }
  }));
  return out;
}

/** The kernel's clock ticks per second (USER_HZ), 100 when getconf cannot tell. */
export async function clockTicks(): Promise<number> {
  const r = await run("getconf", ["CLK_TCK"]).catch(() => null);
  const hz = Number(r?.stdout.trim());
  return Number.isFinite(hz) && hz > 0 ? hz : 100;
}

/**
 * Samples the CPU time of the processes `list()` names at the start and at the end of
 * `seconds` (asked again at the end, to see processes that started meanwhile).
 */
export async function measureIdle(
  list: () => Promise<Watched[]>,
  seconds: number,
): Promise<IdleCpu> {
  const hz = await clockTicks();
  const first = await list();
  const before = await readTicks(first.map((w) => w.pid));
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const last = await list();
  const after = await readTicks(last.map((w) => w.pid));
  const watched = [...new Map([...first, ...last].map((w) => [w.pid, w])).values()];
  return cpuShares(watched, before, after, (performance.now() - t0) / 1000, hz);
}
