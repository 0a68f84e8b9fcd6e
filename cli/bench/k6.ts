import { LOGS, ROOT } from "../infra/mod.ts";
import type { K6Summary, ScenarioResult, ScenarioSpec } from "./scenarios.ts";
import { readSummary } from "./scenarios.ts";

/** Where the k6 scripts write their summaries (gitignored). */
export const RESULTS = `${ROOT}/loadtests/results`;

/** How one k6 run differs from the spec's defaults. */
export interface K6Run {
  /** Names the summary, the log and the result (spec.name when absent). */
  runName?: string;
  /** `-e NAME=value` for the script (overrides the environment k6 inherits). */
  env?: Record<string, string | number>;
}

/**
 * Runs one k6 script against `url`; its output goes to `.data/logs/k6-<run name>.log`. Null when
 * it left no summary.
 */
export async function runK6(
  k6: string,
  spec: ScenarioSpec,
  target: { url: string; adminKey: string },
  run: K6Run,
  onTick: (elapsedS: number) => void,
): Promise<ScenarioResult | null> {
  const name = run.runName ?? spec.name;
  await Deno.mkdir(RESULTS, { recursive: true });
  await Deno.mkdir(LOGS, { recursive: true });
  const summaryPath = `${RESULTS}/${name}.json`;
  await Deno.remove(summaryPath).catch(() => {});
  const logPath = `${LOGS}/k6-${name}.log`;
  await Deno.writeTextFile(logPath, "");
  // One handle per stream: a WritableStream takes only one pipe at a time.
  const open = () => Deno.open(logPath, { append: true });
  const env = {
    BERTH_URL: target.url,
    BERTH_ADMIN_KEY: target.adminKey,
    RESULTS_DIR: RESULTS,
    RUN_NAME: name,
    ...run.env,
  };
  const child = new Deno.Command(k6, {
    args: [
      "run",
      "--no-usage-report",
      "--no-color",
      ...Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
      `loadtests/${spec.script}`,
    ],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  running.add(child);
  const pipes = [
    child.stdout.pipeTo((await open()).writable).catch(() => {}),
    child.stderr.pipeTo((await open()).writable).catch(() => {}),
  ];
  const start = Date.now();
  const timer = setInterval(() => onTick((Date.now() - start) / 1000), 1000);
  try {
    const status = await child.status;
    await Promise.allSettled(pipes);
    const summary: K6Summary = JSON.parse(await Deno.readTextFile(summaryPath));
    return readSummary(spec, summary, status.code, name);
  } catch {
    return null;
  } finally {
    clearInterval(timer);
    running.delete(child);
  }
}

const running = new Set<Deno.ChildProcess>();

/** Stops k6 runs still going (on Ctrl-C). */
export function killK6(): void {
  for (const c of running) {
    try {
      c.kill("SIGTERM");
    } catch { /* gone */ }
  }
}
