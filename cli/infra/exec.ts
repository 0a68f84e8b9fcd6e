/** Runs a command to completion; returns its exit code and output as text. */
export async function run(
  cmd: string,
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; quiet?: boolean } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(cmd, {
    args,
    env: opts.env,
    cwd: opts.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Runs a command and throws with its output when it fails. */
export async function mustRun(
  cmd: string,
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string } = {},
): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} exited ${r.code}\n${r.stderr || r.stdout}`.trim());
  }
  return r.stdout;
}

/** True when an executable of that name is on PATH. */
export async function onPath(name: string): Promise<string | null> {
  const r = await run("sh", ["-c", `command -v ${name}`]).catch(() => null);
  return r && r.code === 0 ? r.stdout.trim() : null;
}

/** Resolves once something accepts TCP connections on host:port, or throws after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs = 30_000, host = "127.0.0.1") {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const conn = await Deno.connect({ hostname: host, port });
      conn.close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
}

/** A free TCP port on loopback, chosen by the kernel. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

const hasProc = (() => {
  try {
    return Deno.statSync("/proc/self").isDirectory;
  } catch {
    return false;
  }
})();

/**
 * True when a process with that pid exists (and is not a zombie). On Linux it reads /proc and
 * sends nothing: a SIGCONT would wake a process someone stopped on purpose (a fault test).
 */
export function alive(pid: number): boolean {
  if (hasProc) {
    try {
      return !/^\d+ \(.*\) Z /s.test(Deno.readTextFileSync(`/proc/${pid}/stat`));
    } catch {
      return false;
    }
  }
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves when the process `pid`, which need not be a child of this one (a daemon such as the
 * postmaster), has gone: it looks every 250 ms. Resolves at once too when `signal` aborts.
 */
export async function gone(pid: number, signal?: AbortSignal): Promise<void> {
  while (alive(pid) && !signal?.aborted) await new Promise((r) => setTimeout(r, 250));
}

/**
 * Stops a child of this process: SIGTERM, then SIGKILL when it has not exited after `graceMs`.
 * Resolves once it has exited.
 */
export async function terminate(child: Deno.ChildProcess, graceMs: number): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch { /* already gone */ }
  const kill = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, graceMs);
  await child.status;
  clearTimeout(kill);
}
