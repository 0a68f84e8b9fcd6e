/** `berth bench`: the sandbox, the k6 steps, the measurements and the report. */
export { continueAll } from "./context.ts";
export type { Bench } from "./context.ts";
export { BenchDb } from "./db.ts";
export { killK6, RESULTS } from "./k6.ts";
export { knobsSet, plan, readKnobs, STEPS } from "./knobs.ts";
export type { Knobs, Plan } from "./knobs.ts";
export { DeadlockLog, privateClusterLog } from "./pglog.ts";
export { describeMachine, renderReport } from "./report.ts";
export type { BenchReport } from "./report.ts";
export { startSandbox } from "./sandbox.ts";
export { runSteps } from "./steps.ts";
export { evaluateTargets } from "./targets.ts";
