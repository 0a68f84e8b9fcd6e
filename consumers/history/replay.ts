import type { Sql } from "../../shared/db/db.ts";
import type { Projection } from "../projections/projection.ts";
import { applyHistory, history } from "./service.ts";

/** How `./berth projections rebuild history` rebuilds the projection (see cli/projections.ts). */
export const historyReplay: Projection = {
  name: "history",
  service: history,
  schema: "history",
  tables: ["user_reservations"],
  apply: applyHistory,
  async rows(sql: Sql): Promise<unknown> {
    return await sql`select * from history.user_reservations order by reservation_id`;
  },
};
