/** A tiny Prometheus registry: counters, gauges and histograms with labels, text exposition. */

type Labels = Record<string, string>;

function key(labels: Labels): string {
  return Object.keys(labels).sort().map((k) => `${k}="${escape(labels[k])}"`).join(",");
}

function escape(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

interface Metric {
  render(): string;
}

export class Counter implements Metric {
  #values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    this.#values.set(k, (this.#values.get(k) ?? 0) + by);
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [k, v] of this.#values) lines.push(`${this.name}${k ? `{${k}}` : ""} ${v}`);
    return lines.join("\n");
  }
}

export class Gauge implements Metric {
  #values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}
  set(labels: Labels, value: number): void {
    this.#values.set(key(labels), value);
  }
  reset(): void {
    this.#values.clear();
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    for (const [k, v] of this.#values) lines.push(`${this.name}${k ? `{${k}}` : ""} ${v}`);
    return lines.join("\n");
  }
}

export class Histogram implements Metric {
  #series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  ) {}
  observe(labels: Labels, value: number): void {
    const k = key(labels);
    let s = this.#series.get(k);
    if (!s) this.#series.set(k, s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 });
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) s.counts[i]++;
    s.sum += value;
    s.count++;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [k, s] of this.#series) {
      const sep = k ? `${k},` : "";
      this.buckets.forEach((b, i) =>
        lines.push(`${this.name}_bucket{${sep}le="${b}"} ${s.counts[i]}`)
      );
      lines.push(`${this.name}_bucket{${sep}le="+Inf"} ${s.count}`);
      lines.push(`${this.name}_sum${k ? `{${k}}` : ""} ${s.sum}`);
      lines.push(`${this.name}_count${k ? `{${k}}` : ""} ${s.count}`);
    }
    return lines.join("\n");
  }
}

/** A set of metrics rendered together; `collect` hooks refresh gauges just before a scrape. */
export class Registry {
  #metrics: Metric[] = [];
  #collectors: (() => Promise<void> | void)[] = [];
  add<M extends Metric>(m: M): M {
    this.#metrics.push(m);
    return m;
  }
  onCollect(fn: () => Promise<void> | void): void {
    this.#collectors.push(fn);
  }
  async render(): Promise<string> {
    await Promise.allSettled(this.#collectors.map((c) => c()));
    return this.#metrics.map((m) => m.render()).join("\n") + "\n";
  }
}
