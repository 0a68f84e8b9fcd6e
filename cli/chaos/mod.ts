/** `berth chaos`: the platform under load, the faults injected, the invariants checked. */
export { faults, runFault } from "./faults.ts";
export type { FaultResult } from "./faults.ts";
export { checkInvariants, settle } from "./invariants.ts";
export type { Check } from "./invariants.ts";
export { startLoad } from "./load.ts";
export type { Booking, Target } from "./load.ts";
export { processes, startChaosPlatform } from "./platform.ts";
