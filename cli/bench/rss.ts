/** Resident memory of process trees, sampled from /proc while a benchmark runs. */

/** VmRSS of one process in bytes, or 0 when it is gone. */
export async function rssOf(pid: number): Promise<number> {
  try {
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** `pid` and all its descendants, from the ppid field of /proc/<pid>/stat. */
export async function processTree(pid: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const stat = await Deno.readTextFile(`/proc/${e.name}/stat`);
      // The command name may hold spaces and parentheses: fields start after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(e.name)]);
    } catch { /* exited meanwhile */ }
  }
  const out: number[] = [];
  const todo = [pid];
  while (todo.length) {
    const p = todo.pop()!;
    out.push(p);
    todo.push(...(children.get(p) ?? []));
  }
  return out;
}

/** Peak RSS seen for one named process tree: the largest single process and the whole tree. */
export interface RssPeak {
  name: string;
  processes: number;
  maxProcessBytes: number;
  maxTreeBytes: number;
}

/**
 * Samples the RSS of named process trees every `everyMs` until `stop()`; keeps the peaks. Trees
 * whose roots share a name are summed as one (`maxTreeBytes` is then the group's total).
 */
export class RssSampler {
  #peaks = new Map<string, RssPeak>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #busy = false;

  constructor(readonly roots: { name: string; pid: number }[], readonly everyMs = 250) {}

  /** Takes one sample of every tree now; roots sharing a name (api processes) count as one. */
  async sample(): Promise<void> {
    const byName = Map.groupBy(this.roots, (r) => r.name);
    for (const [name, roots] of byName) {
      const pids = (await Promise.all(roots.map((r) => processTree(r.pid)))).flat();
      const sizes = await Promise.all(pids.map(rssOf));
      const live = sizes.filter((s) => s > 0);
      const p = this.#peaks.get(name) ??
        { name, processes: 0, maxProcessBytes: 0, maxTreeBytes: 0 };
      p.processes = Math.max(p.processes, live.length);
      p.maxProcessBytes = Math.max(p.maxProcessBytes, ...live, 0);
      p.maxTreeBytes = Math.max(p.maxTreeBytes, live.reduce((a, b) => a + b, 0));
      this.#peaks.set(name, p);
    }
  }

  /** Starts sampling in the background. */
  start(): this {
    this.#timer = setInterval(() => {
      if (this.#busy) return;
      this.#busy = true;
      this.sample().finally(() => this.#busy = false);
    }, this.everyMs);
    return this;
  }

  /** Stops sampling and returns the peaks per tree. */
  async stop(): Promise<RssPeak[]> {
    clearInterval(this.#timer);
    await this.sample();
    return [...this.#peaks.values()];
  }
}
