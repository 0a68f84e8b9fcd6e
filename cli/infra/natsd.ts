import { waitForPort } from "./exec.ts";

export interface NatsServerOptions {
  bin: string;
  port: number;
  monitorPort?: number;
  storeDir: string;
  logFile?: string;
  /** `always` fsyncs every write before the ack; otherwise a Go duration such as `1s`. */
  syncInterval?: string;
}

/** A nats-server child process with JetStream, started and stopped by berth. */
export class NatsServer {
  #proc: Deno.ChildProcess | null = null;
  constructor(readonly opts: NatsServerOptions) {}

  get url(): string {
    return `nats://127.0.0.1:${this.opts.port}`;
  }

  get pid(): number | undefined {
    return this.#proc?.pid;
  }

  /** Settles with its exit code when the server started last exits (by itself or by stop()). */
  get exited(): Promise<number> {
    return this.#proc?.status.then((s) => s.code) ?? Promise.resolve(0);
  }

  /** Writes the config file and starts the server; resolves when it accepts connections. */
  async start(): Promise<void> {
    const o = this.opts;
    await Deno.mkdir(o.storeDir, { recursive: true });
    const conf = [
      `server_name: berth_${o.port}`,
      `listen: 127.0.0.1:${o.port}`,
      o.monitorPort ? `http: 127.0.0.1:${o.monitorPort}` : "",
      "max_payload: 1MB",
      "jetstream {",
      `  store_dir: ${JSON.stringify(o.storeDir)}`,
      `  sync_interval: ${o.syncInterval ?? "always"}`,
      "}",
    ].join("\n");
    const confPath = `${o.storeDir}/nats.conf`;
    await Deno.writeTextFile(confPath, conf);
    const args = ["-c", confPath];
    if (o.logFile) args.push("-l", o.logFile);
    // Its ports sit in Linux's ephemeral range, so a client connection may hold one for a moment
    // (the server then exits at once: "address already in use"): start it again a few times.
    for (let attempt = 1;; attempt++) {
      const proc = new Deno.Command(o.bin, {
        args,
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn();
      this.#proc = proc;
      const exited = proc.status.then((s) => s);
      const up = waitForPort(o.port, 30_000).then(() => null);
      const early = await Promise.race([up, exited]);
      if (early === null) return;
      this.#proc = null;
      if (attempt === 5) {
        throw new Error(`nats-server exited with ${early.code} at start (see its log)`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  /** Stops the server (SIGTERM, then SIGKILL after 5 s). */
  async stop(): Promise<void> {
    const p = this.#proc;
    if (!p) return;
    this.#proc = null;
    try {
      p.kill("SIGTERM");
    } catch { /* already gone */ }
    const timer = setTimeout(() => {
      try {
        p.kill("SIGKILL");
      } catch { /* gone */ }
    }, 5000);
    await p.status;
    clearTimeout(timer);
  }
}
