/** The Deno processes `up` supervises: how each starts, logs and stops. */
import type { ChildSpec } from "./supervisor.ts";
import type { MetricsHub } from "../shared/metrics/mod.ts";
import { DENO, LOGS, ROOT, terminate } from "./infra/mod.ts";
import { tracingEnv } from "../shared/tracing/mod.ts";

/**
 * A Deno process of the platform (`deno <args>` in the repository, with `env`), its output
 * appended to `.data/logs/<name>.log`; ready when `ready` resolves (at once by default).
 * Stopping it is SIGTERM, then SIGKILL after 10 s.
 */
export function denoChild(
  name: string,
  args: string[],
  env: Record<string, string>,
  hub: MetricsHub,
  ready?: () => Promise<void>,
): ChildSpec {
  return {
    name,
    async start() {
      const open = () => Deno.open(`${LOGS}/${name}.log`, { create: true, append: true });
      const [out, err] = [await open(), await open()];
      // Each start serves its metrics on a socket of its own; once it exits, the hub keeps its
      // counters, so no sum goes backwards.
      const socket = name === "api" || name === "workers" ? hub.socketFor(name) : null;
      const child = new Deno.Command(DENO, {
        args,
        // With OTEL_EXPORTER_OTLP_ENDPOINT set, each runs Deno's OpenTelemetry (berth-<name>).
        env: {
          ...env,
          ...tracingEnv(env, `berth-${name}`),
          ...(socket ? { BERTH_METRICS_SOCKET: socket } : {}),
        },
        cwd: ROOT,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      // Both streams go to the same log file, line by line as they are written.
      appendLines(child.stdout, out).catch(() => {});
      appendLines(child.stderr, err).catch(() => {});
      const exited = child.status.then((s) => {
        if (socket) hub.exited(socket);
        return s.code;
      });
      await ready?.().catch((err) => {
        child.kill("SIGKILL");
        throw err;
      });
      return {
        pid: child.pid,
        exited,
        stop: () => terminate(child, 10_000),
      };
    },
  };
}

/**
 * Copies a child's output into an open log file, whole lines per write, as it arrives. (Not
 * `pipeTo(file.writable)`: that held the output back until the child exited.) Several
 * processes may append to the same file; whole-line writes keep their lines apart.
 */
async function appendLines(from: ReadableStream<Uint8Array>, to: Deno.FsFile): Promise<void> {
  let pending = new Uint8Array(0);
  const write = async (bytes: Uint8Array) => {
    for (let n = 0; n < bytes.length;) n += await to.write(bytes.subarray(n));
  };
  try {
    for await (const chunk of from) {
      const buf = pending.length ? concat(pending, chunk) : chunk;
      const end = buf.lastIndexOf(10) + 1; // after the last newline
      if (end > 0) await write(buf.subarray(0, end));
      pending = buf.slice(end);
    }
    if (pending.length) await write(pending);
  } finally {
    to.close();
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
