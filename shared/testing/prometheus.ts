/** Reading Prometheus text in tests: what a scrape would store. */

/** A scrape: every sample by its series (`name{labels}` as written), and each family's type. */
export interface Scrape {
  samples: Map<string, number>;
  types: Map<string, string>;
}

/** Parses Prometheus text exposition; throws on a line that is neither a comment nor a sample. */
export function parseScrape(text: string): Scrape {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const type = /^# TYPE (\w+) (\w+)$/.exec(line);
    if (type) types.set(type[1], type[2]);
    if (line.startsWith("#")) continue;
    const m = /^(\w+(?:\{[^}]*\})?) (-?[\d.e+-]+|NaN|[+-]Inf)$/.exec(line);
    if (!m) throw new Error(`not a sample: ${line}`);
    if (samples.has(m[1])) throw new Error(`series twice: ${m[1]}`);
    samples.set(m[1], Number(m[2]));
  }
  return { samples, types };
}

/** The metric name of a series: `berth_x_bucket{le="1"}` → `berth_x_bucket`. */
export const nameOf = (series: string) => series.split("{", 1)[0];

/** The values of the series of `name` whose labels include every one of `labels`. */
export function valuesOf(
  scrape: Scrape,
  name: string,
  labels: Record<string, string> = {},
): number[] {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return [...scrape.samples]
    .filter(([series]) => nameOf(series) === name && want.every((l) => series.includes(l)))
    .map(([, v]) => v);
}

/**
 * Every metric docs/metrics.md lists, with its type: the series berth promises, which the
 * alerts and the dashboard may use.
 */
export async function documentedMetrics(): Promise<Map<string, string>> {
  const doc = await Deno.readTextFile(new URL("../../docs/metrics.md", import.meta.url));
  const rows = doc.matchAll(/^\| `(berth_\w+)` +\| (counter|gauge|histogram) +\|/gm);
  return new Map([...rows].map((m) => [m[1], m[2]]));
}

/** The documented metric a series name belongs to: a histogram's `_bucket`, `_sum`, `_count`. */
export function familyOf(name: string, documented: Map<string, string>): string | undefined {
  if (documented.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, "");
  return documented.get(base) === "histogram" ? base : undefined;
}
