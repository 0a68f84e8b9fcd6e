import type { Sql } from "../../shared/db/db.ts";
import { applyHistory, history } from "./service.ts";

/** How `./berth projections rebuild history` rebuilds the projection (see cli/projections.ts). */
export const historyReplay = {
  name: "history",
  service: history,
  searchPath: "history_rebuild, public",
  apply: applyHistory,
  async createShadow(sql: Sql): Promise<void> {
    await sql`drop schema if exists history_rebuild cascade`;
    await sql`create schema history_rebuild`;
    await sql`
      create table history_rebuild.user_reservations
        (like history.user_reservations including all)`;
  },
  async lockLive(tx: Sql): Promise<void> {
    await tx`lock table history.user_reservations in share row exclusive mode`;
  },
  async copyIn(tx: Sql): Promise<void> {
    await tx`delete from history.user_reservations`;
    await tx`insert into history.user_reservations select * from history_rebuild.user_reservations`;
  },
  async dropShadow(sql: Sql): Promise<void> {
    await sql`drop schema if exists history_rebuild cascade`;
  },
  /** The live projection in a stable order, for comparisons. */
  async snapshot(sql: Sql): Promise<unknown> {
    return await sql`select * from history.user_reservations order by reservation_id`;
  },
};
