import type { MetricObjectWithValues, MetricValue } from "prom-client";
import { AggregatorRegistry, Registry } from "prom-client";
import { hubMetrics, PROCESS_KINDS } from "./catalogue.ts";
import { readSocket, serveOnSocket } from "./socket.ts";

/** A registry as JSON (`getMetricsAsJSON`): what a process sends the hub. */
export type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

/** How long the hub waits for one process's metrics. */
const PROCESS_TIMEOUT_MS = 1000;

/** A process the hub reads, and the last metrics it had from it. */
interface Source {
  kind: (typeof PROCESS_KINDS)[number];
  last: MetricsJson | null;
  /** The collection `last` came from: a late answer never replaces a newer one. */
  at: number;
}

/**
 * The platform's metrics in one answer, kept by `up`: every api and workers process it starts
 * serves its registry on a socket of its own (BERTH_METRICS_SOCKET, see {@link socketFor}); when
 * asked, the hub reads them all, sums them (prom-client's AggregatorRegistry: counters,
 * histograms and gauges summed per series) and answers on its own socket (BERTH_METRICS_HUB),
 * which every api process's /metrics relays. So whichever api process a scrape reaches, it gets
 * the same sums. A process that does not answer within a second (paused, very busy) counts with
 * its last answer; one that exited keeps its last counters and histograms (its gauges go), so
 * no sum goes backwards when a process dies and is started again.
 */
export class MetricsHub {
  readonly #sources = new Map<string, Source>();
  /** Counters and histograms of processes that exited. */
  readonly #retired: MetricsJson[] = [];
  readonly #registry = new Registry();
  readonly #own = hubMetrics(this.#registry);
  #collections = 0;
  #started = 0;

  /** `dir` holds the sockets (a unix socket path has at most 107 bytes: keep it short). */
  constructor(readonly dir: string, readonly timeoutMs = PROCESS_TIMEOUT_MS) {}

  /** The socket a new process of `kind` is to serve its metrics on; the hub reads it from now. */
  socketFor(kind: Source["kind"]): string {
    const path = `${this.dir}/${kind}-${++this.#started}.sock`;
    this.#sources.set(path, { kind, last: null, at: 0 });
    return path;
  }

  /** The process behind `path` exited: its counters and histograms stay in the sums. */
  exited(path: string): void {
    const source = this.#sources.get(path);
    if (!source) return;
    this.#sources.delete(path);
    this.#own.exits.inc({ kind: source.kind });
    // `type` is "counter", "gauge", ... (prom-client's typings say a numeric enum).
    const kept = source.last?.filter((m) => ["counter", "histogram"].includes(String(m.type)));
    if (kept?.length) this.#retired.push(kept);
    Deno.remove(path).catch(() => {});
  }

  /** Reads every process and answers the sums as Prometheus text. */
  async collect(): Promise<string> {
    const at = ++this.#collections;
    const answered = await Promise.all(
      [...this.#sources].map(async ([path, source]) => {
        try {
          const json = JSON.parse(await readSocket(path, this.timeoutMs)) as MetricsJson;
          if (at > source.at) Object.assign(source, { last: json, at });
          return source.kind;
        } catch {
          return null;
        }
      }),
    );
    for (const kind of PROCESS_KINDS) {
      this.#own.processes.set({ kind }, answered.filter((k) => k === kind).length);
    }
    const all = [
      ...[...this.#sources.values()].flatMap((s) => s.last ? [s.last] : []),
      ...this.#retired,
      await this.#registry.getMetricsAsJSON() as MetricsJson,
    ];
    return await AggregatorRegistry.aggregate(all).metrics();
  }

  /** Answers {@link collect} on the unix socket `path`. */
  serve(path: string): Deno.Listener {
    return serveOnSocket(path, () => this.collect());
  }
}

/** What a process `up` started does: serve its registry to the hub on the unix socket `path`. */
export function serveRegistry(registry: Registry, path: string): Deno.Listener {
  return serveOnSocket(path, async () => JSON.stringify(await registry.getMetricsAsJSON()));
}
