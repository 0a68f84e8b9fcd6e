/**
 * Keeps the processes `up` started running: a child that exits is started again after a second
 * (the platform's work is crash-safe: the outbox, the inbox, redelivery, Postgres's recovery,
 * JetStream's store), unless it keeps exiting, then the supervisor gives up.
 */

/** A process to keep running: how to start it. */
export interface ChildSpec {
  name: string;
  /** Starts it and resolves once it is ready (its readiness check passed). */
  start(): Promise<Running>;
}

/** A started process. */
export interface Running {
  pid: number;
  /** Settles when it has exited, with its exit code when known. */
  exited: Promise<number | null>;
  /** Stops it: gracefully, then by force. */
  stop(): Promise<void>;
}

/** A child that exits more often than this within a minute makes the supervisor give up. */
export const MAX_RESTARTS_A_MINUTE = 5;

export interface SupervisorOptions {
  /** Called with the name of a child that keeps exiting; nothing is restarted any more. */
  onGiveUp(name: string): void;
  /** Called after each start and restart (the pids changed). */
  onStart?(): unknown;
  say?: (m: string) => void;
  /** The wait before a child that exited is started again (default 1000 ms). */
  restartDelayMs?: number;
}

/** Starts children and starts them again when they exit, until `stop()`. */
export class Supervisor {
  #children: { spec: ChildSpec; running: Running }[] = [];
  #exits = new Map<string, number[]>();
  #stopping = false;

  constructor(readonly opts: SupervisorOptions) {}

  /** The running children, in start order (a restarted one keeps its place). */
  get children(): { name: string; pid: number }[] {
    return this.#children.map((c) => ({ name: c.spec.name, pid: c.running.pid }));
  }

  /** Starts `spec` and keeps it running; throws when its first start fails. */
  async add(spec: ChildSpec): Promise<void> {
    const entry = { spec, running: await spec.start() };
    this.#children.push(entry);
    this.#watch(entry);
    this.opts.onStart?.();
  }

  /** Stops the children `which` picks (all by default) at once; none is started again. */
  async stop(which: (name: string) => boolean = () => true): Promise<void> {
    this.#stopping = true;
    const stopping = this.#children.filter((c) => which(c.spec.name));
    this.#children = this.#children.filter((c) => !stopping.includes(c));
    await Promise.allSettled(stopping.map((c) => c.running.stop()));
  }

  #watch(entry: { spec: ChildSpec; running: Running }): void {
    const say = this.opts.say ?? console.error;
    const { name } = entry.spec;
    entry.running.exited.then(async (code) => {
      if (this.#stopping || !this.#children.includes(entry)) return;
      const why = code === null ? "exited" : `exited with ${code}`;
      for (;;) {
        const now = Date.now();
        const recent = (this.#exits.get(name) ?? []).filter((t) => now - t < 60_000);
        this.#exits.set(name, [...recent, now]);
        if (recent.length >= MAX_RESTARTS_A_MINUTE) {
          say(`berth: ${name} keeps exiting (${why}); giving up`);
          return this.opts.onGiveUp(name);
        }
        say(`berth: ${name} ${why}; starting it again`);
        await new Promise((r) => setTimeout(r, this.opts.restartDelayMs ?? 1000));
        if (this.#stopping) return;
        try {
          entry.running = await entry.spec.start();
          break;
        } catch (err) {
          say(`berth: ${name} did not start: ${(err as Error).message}`);
        }
      }
      if (this.#stopping) return void entry.running.stop();
      this.#watch(entry);
      this.opts.onStart?.();
    });
  }
}
