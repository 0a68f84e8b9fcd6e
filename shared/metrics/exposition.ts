/** Reading Prometheus text: what a scrape would store (the ops page and the tests read it). */

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

/** The sum of {@link valuesOf}: a family's series added up, 0 when there is none. */
export function sumOf(
  scrape: Scrape,
  name: string,
  labels: Record<string, string> = {},
): number {
  return valuesOf(scrape, name, labels).reduce((a, b) => a + b, 0);
}

/** The labels of a series as written: `x{a="1",b="q\"t"}` → `{ a: "1", b: 'q"t' }`. */
export function labelsOf(series: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const body = series.slice(series.indexOf("{") + 1, series.lastIndexOf("}"));
  for (const m of body.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
    labels[m[1]] = m[2].replace(/\\(.)/g, (_, c) => (c === "n" ? "\n" : c));
  }
  return labels;
}

/** Every series of the family `name`, with its labels and value. */
export function seriesOf(
  scrape: Scrape,
  name: string,
): { labels: Record<string, string>; value: number }[] {
  return [...scrape.samples]
    .filter(([series]) => nameOf(series) === name)
    .map(([series, value]) => ({ labels: labelsOf(series), value }));
}
