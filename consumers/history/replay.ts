import { projectionOf } from "../projections/mod.ts";
import { applyHistory, history } from "./service.ts";

/** How `./berth projections rebuild history` rebuilds the projection (see cli/projections.ts). */
export const historyReplay = projectionOf(history, applyHistory, [
  { name: "user_reservations", orderBy: ["reservation_id"] },
]);
