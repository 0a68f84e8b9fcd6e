/** What the metrics tests check a scrape against: the series docs/metrics.md promises. */

/**
 * Every metric docs/metrics.md lists, with its type: the series berth promises, which the
 * alerts and the dashboard may use.
 */
export async function documentedMetrics(): Promise<Map<string, string>> {
  const doc = await Deno.readTextFile(new URL("../docs/metrics.md", import.meta.url));
  const rows = doc.matchAll(/^\| `(berth_\w+)` +\| (counter|gauge|histogram) +\|/gm);
  return new Map([...rows].map((m) => [m[1], m[2]]));
}

/** The documented metric a series name belongs to: a histogram's `_bucket`, `_sum`, `_count`. */
export function familyOf(name: string, documented: Map<string, string>): string | undefined {
  if (documented.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, "");
  return documented.get(base) === "histogram" ? base : undefined;
}
