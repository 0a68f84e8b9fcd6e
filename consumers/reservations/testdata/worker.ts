/**
 * The reservations service in a process of its own, for tests that stop or kill it: runs it
 * against DATABASE_URL and NATS_URL until SIGTERM.
 */
import { connectDb } from "../../../shared/db/mod.ts";
import { connectNats } from "../../../shared/nats/mod.ts";
import { runService } from "../../runtime/mod.ts";
import { reservationsService } from "../service.ts";

const sql = connectDb(Deno.env.get("DATABASE_URL")!, { max: 4 });
const nc = await connectNats(Deno.env.get("NATS_URL")!, "reservations-worker");
const stop = new AbortController();
Deno.addSignalListener("SIGTERM", () => stop.abort());
await runService({ sql, nc, service: reservationsService(), signal: stop.signal });
await nc.drain();
await sql.end({ timeout: 2 });
