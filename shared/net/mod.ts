/** Address checks (private hosts, webhook URLs). */
export { ipOfHost, nonPublicRange, privateHostProblem, webhookUrlProblem } from "./address.ts";
