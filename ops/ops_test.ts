import assert from "node:assert/strict";
import { ensureTool, run } from "../cli/infra/mod.ts";
import { documentedMetrics, familyOf } from "../testing/prometheus.ts";

const here = (path: string) => new URL(path, import.meta.url).pathname;

/** The berth metric names a PromQL expression reads. */
const metricsIn = (expr: string) => [...expr.matchAll(/\bberth_\w+/g)].map((m) => m[0]);

Deno.test("alert rules: promtool checks them and their cases fire as they should", async () => {
  const promtool = await ensureTool("promtool");
  const check = await run(promtool, ["check", "rules", here("prometheus/alerts.yml")]);
  assert.equal(check.code, 0, check.stdout + check.stderr);
  const cases = await run(promtool, ["test", "rules", here("prometheus/alerts_test.yml")]);
  assert.equal(cases.code, 0, cases.stdout + cases.stderr);
});

Deno.test("alert rules and dashboard read only metrics berth exports", async () => {
  const documented = await documentedMetrics();
  assert.ok(documented.size > 20, "docs/metrics.md lists the metrics");
  const rules = await Deno.readTextFile(here("prometheus/alerts.yml"));
  const exprs = [...rules.matchAll(/^\s+expr: (?:>-\n)?([\s\S]*?)\n\s+(?:for|labels):/gm)]
    .map((m) => m[1]);
  assert.equal(exprs.length, [...rules.matchAll(/^\s+- alert: /gm)].length, "an expr per alert");

  const dashboard = JSON.parse(await Deno.readTextFile(here("grafana/berth.json")));
  type Panel = { title: string; targets?: { expr?: string }[]; panels?: Panel[] };
  const panels = (list: Panel[]): Panel[] => list.flatMap((p) => [p, ...panels(p.panels ?? [])]);
  for (const panel of panels(dashboard.panels)) {
    const queries = (panel.targets ?? []).map((t) => t.expr ?? "");
    assert.ok(queries.length && queries.every((q) => metricsIn(q).length), panel.title);
    exprs.push(...queries);
  }
  for (const expr of exprs) {
    for (const name of metricsIn(expr)) {
      assert.ok(familyOf(name, documented), `${name} (in ${expr}) is not in docs/metrics.md`);
    }
  }
});
